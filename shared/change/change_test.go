package change_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/change"
)

func TestNormalizeIgnoresLayout(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Price: $899\nIn stock", change.Normalize("  Price:\t $899  \r\n\n\u00a0\nIn   stock\n"))
	require.Equal(t, change.Normalize("Cafe\u0301"), change.Normalize("Café"), "NFC")
	require.True(t, change.Compare("a  b\n\nc", "a b\nc").Empty())
}

func TestCompareListsAddedAndRemovedLines(t *testing.T) {
	t.Parallel()
	prev := "Phone X\nPrice: $999\nShips in 2 weeks\nReviews: 4.5"
	cur := "Phone X\nPrice: $899\nShips in 2 weeks\nReviews: 4.5\nNow in blue"
	d := change.Compare(prev, cur)
	require.Equal(t, []change.Line{{Added: false, Text: "Price: $999"}, {Added: true, Text: "Price: $899"}, {Added: true, Text: "Now in blue"}}, d.Lines)
	added, removed := d.Counts()
	require.Equal(t, 2, added)
	require.Equal(t, 1, removed)
	require.Equal(t, "2 lines added, 1 removed:\n- Price: $999\n+ Price: $899\n+ Now in blue", d.Message(0, 0))

	back := change.Compare(cur, prev)
	require.Equal(t, "1 line added, 2 removed:\n- Price: $899\n+ Price: $999\n- Now in blue", back.Message(0, 0))
	require.Equal(t, "1 line added:\n+ new", change.Compare("", "new").Message(0, 0))
	require.Empty(t, change.Compare("same", "same").Message(0, 0))
}

func TestMessageIsCapped(t *testing.T) {
	t.Parallel()
	var prev, cur []string
	for i := range 100 {
		prev = append(prev, strings.Repeat("old ", 80)+string(rune('a'+i%26)))
		cur = append(cur, strings.Repeat("new ", 80)+string(rune('a'+i%26)))
	}
	d := change.Compare(strings.Join(prev, "\n"), strings.Join(cur, "\n"))
	msg := d.Message(0, 0)
	require.LessOrEqual(t, len(msg), change.DefaultMessageChars+60)
	require.Contains(t, msg, "100 lines added, 100 removed:")
	require.Regexp(t, `… and \d+ more changed lines$`, msg)
	for _, line := range strings.Split(msg, "\n")[1:] {
		require.LessOrEqual(t, len([]rune(line)), 2+200+1, "each line is cut at 200 characters")
	}
	require.Len(t, strings.Split(d.Message(3, 100000), "\n"), 1+3+1)
}

func TestFilterKeywordsAndPhrases(t *testing.T) {
	t.Parallel()
	f, err := change.ParseFilter(`Sold-out, "back in stock"  PRICE`)
	require.NoError(t, err)
	require.Equal(t, []string{"sold-out", "back in stock", "price"}, f.Keywords())
	require.True(t, f.Match("The price fell"))
	require.False(t, f.Match("BACK IN  STOCK"), "a phrase matches as written, spaces included (diff lines are normalised)")
	require.True(t, f.Match("Back in stock today"))
	require.False(t, f.Match("Ships in two weeks"))

	d := change.Compare("Price: $999\nColour: red", "Price: $899\nColour: red")
	require.True(t, f.Counts(d))
	require.False(t, f.Counts(change.Compare("Colour: red", "Colour: blue")))
	require.False(t, f.Counts(change.Diff{}), "no change never counts")

	zero, err := change.ParseFilter("   ")
	require.NoError(t, err)
	require.True(t, zero.IsZero())
	require.True(t, zero.Counts(change.Compare("a", "b")))
}

func TestFilterRegularExpression(t *testing.T) {
	t.Parallel()
	f, err := change.ParseFilter(`/\$[0-8][0-9]{2}\b/`)
	require.NoError(t, err)
	require.Nil(t, f.Keywords())
	require.True(t, f.Counts(change.Compare("Price: $999", "Price: $899")), "the removed line does not match but the added one does")
	require.False(t, f.Counts(change.Compare("Price: $999", "Price: $989")))

	f, err = change.ParseFilter(`/(?i)released/`)
	require.NoError(t, err)
	require.True(t, f.Match("Version 2 RELEASED"))

	for in, want := range map[string]string{
		"/[a/":     `invalid change filter: /[a/ is not a valid regular expression (Go RE2 syntax): missing closing ] in "[a"`,
		"/a(?<x/":  `invalid change filter: /a(?<x/ is not a valid regular expression (Go RE2 syntax): invalid named capture in "(?<x"`,
		"/ /":      "invalid change filter: the regular expression / / is empty",
		"/(a)\\1/": `invalid change filter: /(a)\1/ is not a valid regular expression (Go RE2 syntax): invalid escape sequence in "\\1"`,
	} {
		_, err := change.ParseFilter(in)
		require.ErrorIs(t, err, change.ErrFilter, in)
		require.Equal(t, want, err.Error(), in)
	}
	_, err = change.ParseFilter(strings.Repeat("a", change.MaxFilterBytes+1))
	require.ErrorIs(t, err, change.ErrFilter)
	_, err = change.ParseFilter(strings.Repeat("w ", change.MaxKeywords+1))
	require.NoError(t, err, "repeated words count once")
	words := make([]string, change.MaxKeywords+1)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i)
	}
	_, err = change.ParseFilter(strings.Join(words, " "))
	require.ErrorIs(t, err, change.ErrFilter)

	single, err := change.ParseFilter("/")
	require.NoError(t, err, "a lone slash is a keyword")
	require.True(t, single.Match("a/b"))
}
