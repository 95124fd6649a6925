package chat

import (
	"html"
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

// escapeHTML makes s literal in HTML; Pushover keeps line breaks as they are.
func escapeHTML(s string) string { return html.EscapeString(s) }

// htmlLines is escapeHTML with line breaks as <br> (Matrix, Google Chat cards).
func htmlLines(s string) string { return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>") }

// jsonBytes measures a string as the bytes it takes in a JSON body (quotes aside), for the
// services whose limit is on the message's size (Teams' 28 KB): quotes, backslashes and
// control characters take more than one.
func jsonBytes(s string) int {
	b, _ := marshal(s)
	return len(b) - 2
}
