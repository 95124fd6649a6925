package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestLoneSurrogate(t *testing.T) {
	for body, want := range map[string]int{
		`{"a":"plain"}`:              -1,
		`{"a":"\ud83d\ude00"}`:       -1, // a pair: 😀
		`{"a":"\uD83D\uDE00"}`:       -1,
		`{"a":"\u00e9\u20ac"}`:       -1,
		`{"a":"\\ud800"}`:            -1, // an escaped backslash, then text
		`{"a":"\\\ud800"}`:           8,
		`{"a":"\ud800"}`:             6,
		`{"a":"\udc00"}`:             6,
		`{"a":"\udc00\ud800"}`:       6,
		`{"a":"\ud800\u0041"}`:       6,
		`{"a":"\ud800x"}`:            6,
		`{"a":"ok","\ud83d":1}`:      11,
		`{"a":"\ud83d\ude00\udfff"}`: 18,
		`{"a":"\u12"}`:               -1, // malformed: the decoder reports it
		`\`:                          -1,
	} {
		require.Equal(t, want, loneSurrogate([]byte(body)), body)
	}
}

func TestFieldAt(t *testing.T) {
	body := `{"name":"ok","notifications":[{"type":"email"},{"address":"BAD"}],"x":{"y":["a","BAD"]}}`
	first := strings.Index(body, "BAD")
	require.Equal(t, "notifications[1].address", fieldAt([]byte(body), first))
	require.Equal(t, "x.y[1]", fieldAt([]byte(body), strings.LastIndex(body, "BAD")))
	require.Equal(t, "name", fieldAt([]byte(body), strings.Index(body, "ok")))
	require.Equal(t, "notifications", fieldAt([]byte(body), strings.Index(body, "notifications")), "a key names its member")
	require.Equal(t, "body[1]", fieldAt([]byte(`["a","b"]`), 6))
	require.Empty(t, fieldAt([]byte(`{"a" x "b"}`), 7), "not well-formed")
}

// FuzzLoneSurrogate checks loneSurrogate against what encoding/json makes of the same body:
// a lone surrogate escape is exactly what makes a well-formed, valid UTF-8 body decode with a
// U+FFFD the body did not spell out itself.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"\ud800"`, `"\ud83d\ude00"`, `"\\ud800"`, `{"\udc00":"x"}`, `["\ufffd","\ud800\u0041"]`, `"\uD800\uDC00\uDC00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		at := loneSurrogate(body)
		require.Less(t, at, len(body))
		_ = fieldAt(body, len(body)/2) // never panics, whatever the body
		if at >= 0 {
			require.Equal(t, `\u`, string(body[at:at+2]))
		}
		var v any
		if !utf8.Valid(body) || json.Unmarshal(body, &v) != nil {
			return
		}
		decoded := strings.Join(stringsIn(v), "")
		spelled := bytes.Contains(body, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
		if at >= 0 {
			require.Contains(t, decoded, "\uFFFD", "a lone surrogate decodes as U+FFFD")
		} else if !spelled {
			require.NotContains(t, decoded, "\uFFFD", "U+FFFD came from an escape loneSurrogate missed")
		}
		// The same check on the body's strings re-escaped as UTF-16 units, where the truth is known.
		for _, s := range stringsIn(v) {
			units := utf16.Encode([]rune(s))
			require.Equal(t, -1, loneSurrogate([]byte(escapeUnits(units))))
			// A high half before a string's first unit (a letter or another high half) is lone.
			lone := append([]uint16{0xD800}, units...)
			require.Equal(t, 1, loneSurrogate([]byte(escapeUnits(lone))))
		}
	})
}

func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, k)
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

func escapeUnits(units []uint16) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, u := range units {
		fmt.Fprintf(&b, `\u%04X`, u)
	}
	b.WriteByte('"')
	return b.String()
}
