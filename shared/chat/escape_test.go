package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzEscapers checks the backslash escapers: no character their format reads as markup is
// left unescaped, and the text reads back as it was.
func FuzzEscapers(f *testing.F) {
	f.Add("*bold* _it_ ~s~ `c` |sp| > q # h - l [a](b) <@1> @everyone 1. x: \\ & = ! { } + ' \"")
	f.Fuzz(func(t *testing.T, s string) {
		for name, c := range map[string]struct {
			escape  func(string) string
			special string
		}{
			"discord":  {escapeDiscord, "\\*_~`|><#-[]().:@"},
			"markdown": {escapeMarkdown, "\\`*_{}[]()#+-.!|<>~=:&\"'"},
		} {
			out := c.escape(s)
			var back strings.Builder
			rs := []rune(out)
			for i := 0; i < len(rs); i++ {
				if rs[i] == '\\' {
					require.Less(t, i+1, len(rs), "%s: dangling backslash in %q", name, out)
					i++
				} else {
					require.False(t, rs[i] < 128 && strings.ContainsRune(c.special, rs[i]), "%s: unescaped %q in %q", name, rs[i], out)
				}
				back.WriteRune(rs[i])
			}
			if utf8.ValidString(s) {
				require.Equal(t, s, strings.ReplaceAll(back.String(), "  \n", "\n"), name)
			}
		}
	})
}
