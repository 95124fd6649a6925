package chat

import (
	"strings"
)

// markdownEscaper backslash-escapes every ASCII punctuation character CommonMark gives a
// meaning to, so agent text shows as written in a Markdown renderer (ntfy, Gotify): no
// emphasis, links, headings, lists or raw HTML. CommonMark lets any ASCII punctuation be
// escaped this way, and the renderer drops the backslash.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`,
	"(", `\(`, ")", `\)`, "#", `\#`, "+", `\+`, "-", `\-`, ".", `\.`, "!", `\!`, "|", `\|`,
	"<", `\<`, ">", `\>`, "~", `\~`, "=", `\=`, ":", `\:`, "&", `\&`, `"`, `\"`, "'", `\'`)

// escapeMarkdown makes s literal in CommonMark (see markdownEscaper). Line breaks are kept:
// a single newline becomes a hard break ("  \n") so lines stay lines.
func escapeMarkdown(s string) string {
	return strings.ReplaceAll(markdownEscaper.Replace(s), "\n", "  \n")
}

// escapeFence keeps text inside a ``` block (Markdown, Discord, Slack) from closing it: a
// zero-width space goes between backticks, so no two stand together. Nothing else is markup
// there.
func escapeFence(s string) string {
	if !strings.Contains(s, "``") {
		return s
	}
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if r == '`' && prev == '`' {
			b.WriteRune('\u200b')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
