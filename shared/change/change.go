// Package change decides, for change-mode watches, whether a page's readable text changed,
// what changed (a short line diff for the notification) and whether the change counts under
// the watch's filter (keywords or a /regular expression/). It works on text only: fetching
// is the page package's, storing the last text the caller's.
package change

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
	"golang.org/x/text/unicode/norm"
)

// Normalize writes text the one way it is compared and stored: Unicode NFC, each line's runs
// of white space (non-breaking spaces and tabs included) folded to one space and trimmed, and
// blank lines dropped. A page that only re-indented or re-wrapped its markup does not change.
func Normalize(text string) string {
	text = norm.NFC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	for line := range strings.Lines(text) {
		words := strings.FieldsFunc(line, unicode.IsSpace)
		if len(words) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		for i, w := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// Line is one line that changed: added to the page, or removed from it.
type Line struct {
	Added bool
	Text  string
}

// Diff is what changed between two texts, in page order.
type Diff struct {
	Lines []Line
}

// Compare diffs two texts line by line after normalising both; an empty Diff means the page
// did not change.
func Compare(previous, current string) Diff {
	a, b := Normalize(previous), Normalize(current)
	if a == b {
		return Diff{}
	}
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(a+"\n", b+"\n")
	var d Diff
	for _, part := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines) {
		if part.Type == diffmatchpatch.DiffEqual {
			continue
		}
		for line := range strings.Lines(part.Text) {
			if line = strings.TrimSuffix(line, "\n"); line != "" {
				d.Lines = append(d.Lines, Line{Added: part.Type == diffmatchpatch.DiffInsert, Text: line})
			}
		}
	}
	return d
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool { return len(d.Lines) == 0 }

// Counts returns how many lines were added and removed.
func (d Diff) Counts() (added, removed int) {
	for _, l := range d.Lines {
		if l.Added {
			added++
		} else {
			removed++
		}
	}
	return added, removed
}

// Limits on a diff's message, so a page rewritten from top to bottom still makes a short
// notification.
const (
	DefaultMessageLines = 20
	DefaultMessageChars = 1500
	maxLineRunes        = 200
)

// Message writes the diff for a notification: a count, then "+ " for added lines and "- " for
// removed ones, each cut at 200 characters, with at most maxLines lines and maxChars
// characters (defaults when not positive) and a note saying how many more were left out.
func (d Diff) Message(maxLines, maxChars int) string {
	if d.Empty() {
		return ""
	}
	if maxLines <= 0 {
		maxLines = DefaultMessageLines
	}
	if maxChars <= 0 {
		maxChars = DefaultMessageChars
	}
	added, removed := d.Counts()
	var b strings.Builder
	b.WriteString(countText(added, removed))
	b.WriteString(":")
	shown := 0
	for _, l := range d.Lines {
		mark := "- "
		if l.Added {
			mark = "+ "
		}
		next := "\n" + mark + cut(l.Text, maxLineRunes)
		if shown == maxLines || b.Len()+len(next) > maxChars {
			break
		}
		b.WriteString(next)
		shown++
	}
	if rest := len(d.Lines) - shown; rest > 0 {
		fmt.Fprintf(&b, "\n… and %d more changed %s", rest, plural(rest, "line", "lines"))
	}
	return b.String()
}

func countText(added, removed int) string {
	switch {
	case removed == 0:
		return fmt.Sprintf("%d %s added", added, plural(added, "line", "lines"))
	case added == 0:
		return fmt.Sprintf("%d %s removed", removed, plural(removed, "line", "lines"))
	}
	return fmt.Sprintf("%d %s added, %d removed", added, plural(added, "line", "lines"), removed)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// cut shortens s to n runes, marking the cut.
func cut(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
