package change_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/change"
)

// FuzzParseFilter holds the filter parser to its promises: no panic; a refusal is an
// ErrFilter; an accepted keyword filter finds each of its keywords in any case; an accepted
// expression can be matched against anything.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"price", `"in stock", sold-out`, "/[0-9]+/", "/[a/", "//", "/", `"unclosed`, "a,,b", "/(?i)x/", "\u3000x\u3000y"} {
		f.Add(s, "some text")
	}
	f.Fuzz(func(t *testing.T, cond, text string) {
		flt, err := change.ParseFilter(cond)
		if err != nil {
			if !errors.Is(err, change.ErrFilter) {
				t.Fatalf("%q: error %v is not ErrFilter", cond, err)
			}
			return
		}
		_ = flt.Match(text)
		for _, k := range flt.Keywords() {
			if k == "" || !utf8.ValidString(k) || strings.TrimSpace(k) != k {
				t.Fatalf("%q: keyword %q", cond, k)
			}
			if !flt.Match("x "+strings.ToUpper(k)+" y") && strings.ToLower(strings.ToUpper(k)) == k {
				t.Fatalf("%q: keyword %q not found in its own upper case", cond, k)
			}
		}
	})
}

// FuzzCompare checks that normalising is idempotent, that a text never differs from itself,
// and that the diff's lines come from the two texts.
func FuzzCompare(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("  x\t\ty \r\n", "x y")
	f.Add("", "\u00a0")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return // page text is always UTF-8 by the time it is compared
		}
		na := change.Normalize(a)
		if change.Normalize(na) != na {
			t.Fatalf("Normalize is not idempotent on %q", a)
		}
		if !change.Compare(a, a).Empty() {
			t.Fatalf("%q differs from itself", a)
		}
		d := change.Compare(a, b)
		if d.Empty() != (na == change.Normalize(b)) {
			t.Fatalf("empty diff %v, but normalised texts equal %v", d.Empty(), na == change.Normalize(b))
		}
		for _, l := range d.Lines {
			src := na
			if l.Added {
				src = change.Normalize(b)
			}
			if !strings.Contains("\n"+src+"\n", "\n"+l.Text+"\n") {
				t.Fatalf("line %q (added %v) is not a line of its text", l.Text, l.Added)
			}
		}
		_ = d.Message(3, 200)
	})
}
