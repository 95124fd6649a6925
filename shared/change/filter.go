package change

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrFilter marks a condition that cannot be used as a change filter; the error's text says
// what is wrong in words for the user who wrote it.
var ErrFilter = errors.New("invalid change filter")

// Limits on a filter, so a condition cannot make matching expensive.
const (
	MaxFilterBytes = 1000
	MaxKeywords    = 50
)

// Filter decides whether a change counts. The zero Filter lets every change count.
type Filter struct {
	re       *regexp.Regexp
	keywords []string // lower case
}

// ParseFilter reads a condition written either as a regular expression between slashes
// ("/price: \$[0-9]+/", Go's RE2 syntax, case-sensitive unless it starts with (?i)) or as plain
// keywords and "quoted phrases", any of which, in any case, makes a change count. Blank text
// is the zero Filter. An invalid expression is an ErrFilter naming the problem.
func ParseFilter(s string) (Filter, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Filter{}, nil
	case len(s) > MaxFilterBytes:
		return Filter{}, filterErr("the condition is longer than %d bytes", MaxFilterBytes)
	case !utf8.ValidString(s):
		return Filter{}, filterErr("the condition is not valid UTF-8")
	case len(s) >= 2 && s[0] == '/' && s[len(s)-1] == '/':
		return parseRegexp(s)
	}
	kw := keywords(s)
	if len(kw) > MaxKeywords {
		return Filter{}, filterErr("the condition has %d keywords; at most %d are allowed", len(kw), MaxKeywords)
	}
	return Filter{keywords: kw}, nil
}

func parseRegexp(s string) (Filter, error) {
	expr := s[1 : len(s)-1]
	if strings.TrimSpace(expr) == "" {
		return Filter{}, filterErr("the regular expression %s is empty", s)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return Filter{}, filterErr("%s is not a valid regular expression (Go RE2 syntax): %s in %q", s, se.Code, se.Expr)
		}
		return Filter{}, filterErr("%s is not a valid regular expression (Go RE2 syntax): %v", s, err)
	}
	return Filter{re: re}, nil
}

func filterErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFilter, fmt.Sprintf(format, args...))
}

// keywords splits s on white space and commas, keeping "quoted phrases" whole (an unclosed
// quote runs to the end), lower-cased and without duplicates.
func keywords(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.ToLower(strings.Join(strings.Fields(w), " "))
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for s != "" {
		if s[0] == '"' {
			phrase, rest, _ := strings.Cut(s[1:], `"`)
			add(phrase)
			s = rest
			continue
		}
		end := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '"' })
		if end < 0 {
			end = len(s)
		}
		add(s[:end])
		if end < len(s) && s[end] != '"' {
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
		}
		s = s[end:]
	}
	return out
}

// IsZero reports whether the filter lets every change count.
func (f Filter) IsZero() bool { return f.re == nil && len(f.keywords) == 0 }

// Keywords returns the keywords the filter looks for (nil for a regular expression).
func (f Filter) Keywords() []string { return append([]string(nil), f.keywords...) }

// Match reports whether text matches: the expression matches somewhere in it, or it contains
// one of the keywords, ignoring case.
func (f Filter) Match(text string) bool {
	if f.re != nil {
		return f.re.MatchString(text)
	}
	if len(f.keywords) == 0 {
		return true
	}
	lower := strings.ToLower(text)
	for _, k := range f.keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// Counts reports whether the change counts: the zero filter counts every non-empty diff;
// otherwise an added or removed line must match.
func (f Filter) Counts(d Diff) bool {
	if d.Empty() {
		return false
	}
	if f.IsZero() {
		return true
	}
	for _, l := range d.Lines {
		if f.Match(l.Text) {
			return true
		}
	}
	return false
}
