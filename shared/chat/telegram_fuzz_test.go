package chat

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzEscapeTelegram checks the escaper alone: its output has no unescaped reserved character
// and reads back as the input.
func FuzzEscapeTelegram(f *testing.F) {
	f.Add("_*[]()~`>#+-=|{}.!\\ plain é 🚀")
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeTelegram(s)
		skel, err := telegramSkeleton(out)
		require.NoError(t, err)
		require.Empty(t, skel, "an unescaped reserved character: %q", out)
		if utf8.ValidString(s) { // invalid bytes become U+FFFD, as JSON would make them anyway
			require.Equal(t, s, unescapeTelegram(out))
		}
	})
}

// FuzzTelegramText renders whole messages from hostile text and checks that the only markup in
// them is the markup the template adds: the same skeleton of unescaped reserved characters as
// a message of the same shape made of harmless words, and never over sendMessage's limit.
func FuzzTelegramText(f *testing.F) {
	f.Add("Pixel *10*", "now $599 [here](https://evil.example) `x` \\", "it *is* so", "A ] ( title", "a)b\\c", 85, false)
	f.Add("", "```\n+ a ```b\\`", "", "t", "p", 0, true)
	f.Add("t", strings.Repeat("a.b_", 2000), strings.Repeat("(e)", 1000), "s", "p", 50, false)
	f.Add("t", strings.Repeat("`\\", 3000), "", "s", "p", 0, true)
	f.Fuzz(func(t *testing.T, title, text, evidence, srcTitle, srcPath string, confidence int, diff bool) {
		hostile := Post{Title: title, Text: text, Evidence: evidence, Confidence: confidence % 101, Diff: diff,
			Sources: []Source{{Title: srcTitle, URL: "https://e.example/" + srcPath}}, Link: "https://torale.example/tasks/1"}
		benign := hostile
		benign.Title, benign.Text, benign.Evidence = tame(title), tame(text), tame(evidence)
		benign.Sources = []Source{{Title: tame(srcTitle), URL: hostile.Sources[0].URL}}

		got := telegramText(hostile)
		require.LessOrEqual(t, utf16Len(got), telegramMax)
		skel, err := telegramSkeleton(got)
		require.NoError(t, err, "%q", got)
		want, err := telegramSkeleton(telegramText(benign))
		require.NoError(t, err)
		require.Equal(t, want, skel, "agent text added markup: %q", got)
	})
}

// tame keeps a text empty or not, as the template's shape depends on it, with nothing to escape.
func tame(s string) string {
	if strings.TrimSpace(oneLine(s)) == "" {
		return s
	}
	return "x"
}

// telegramSkeleton reads a MarkdownV2 text the way Telegram does and returns its markup: each
// unescaped reserved character outside code and link addresses, "```…```" for a pre block and
// "](…)" for a link's address. It fails on what Telegram refuses: a dangling backslash, an
// unclosed block or address, an unescaped backtick inside a block.
func telegramSkeleton(s string) (string, error) {
	rs := []rune(s)
	var sk strings.Builder
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\\':
			i++
			if i == len(rs) {
				return "", errors.New("dangling backslash")
			}
		case r == '`' && strings.HasPrefix(string(rs[i:]), "```"):
			end, err := preEnd(rs, i+3)
			if err != nil {
				return "", err
			}
			sk.WriteString("```…```")
			i = end + 2
		case r == ']' && i+1 < len(rs) && rs[i+1] == '(':
			j := i + 2
			for ; j < len(rs) && rs[j] != ')'; j++ {
				if rs[j] == '\\' {
					j++
				}
			}
			if j >= len(rs) {
				return "", errors.New("unclosed link address")
			}
			sk.WriteString("](…)")
			i = j
		case r < 128 && strings.ContainsRune(telegramSpecial, r):
			sk.WriteRune(r)
		}
	}
	return sk.String(), nil
}

// preEnd finds the closing ``` of a pre block whose text starts at i.
func preEnd(rs []rune, i int) (int, error) {
	for ; i < len(rs); i++ {
		switch {
		case rs[i] == '\\':
			i++
		case rs[i] == '`' && strings.HasPrefix(string(rs[i:]), "```"):
			return i, nil
		case rs[i] == '`':
			return 0, errors.New("unescaped backtick in a pre block")
		}
	}
	return 0, errors.New("unclosed pre block")
}

func unescapeTelegram(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}
