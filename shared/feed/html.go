package feed

import (
	"html"
	"strings"
)

// contentHTML is an entry's body as HTML, every piece of text escaped: the notification, the
// evidence, the sources and a link to the task.
func (e Entry) contentHTML() string {
	var b strings.Builder
	b.WriteString("<p>")
	b.WriteString(paragraphs(e.Notification))
	b.WriteString("</p>")
	if e.Evidence != "" {
		b.WriteString("<h4>Evidence</h4><p>")
		b.WriteString(paragraphs(e.Evidence))
		b.WriteString("</p>")
	}
	if len(e.Sources) > 0 {
		b.WriteString("<h4>Sources</h4><ul>")
		for _, s := range e.Sources {
			name := s.Title
			if name == "" {
				name = s.URL
			}
			b.WriteString("<li>")
			if webURL(s.URL) {
				b.WriteString(`<a href="` + html.EscapeString(clean(s.URL)) + `">` + html.EscapeString(clean(name)) + "</a>")
			} else {
				b.WriteString(html.EscapeString(clean(name)))
			}
			b.WriteString("</li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString(`<p><a href="` + html.EscapeString(clean(e.URL)) + `">` + html.EscapeString(clean(e.TaskName)) + "</a></p>")
	return b.String()
}

// paragraphs escapes s and keeps its line breaks.
func paragraphs(s string) string {
	return strings.ReplaceAll(html.EscapeString(clean(s)), "\n", "<br>")
}

// contentText is an entry's body as plain text.
func (e Entry) contentText() string {
	var b strings.Builder
	b.WriteString(clean(e.Notification))
	if e.Evidence != "" {
		b.WriteString("\n\nEvidence: " + clean(e.Evidence))
	}
	for _, s := range e.Sources {
		b.WriteString("\n- " + clean(s.URL))
	}
	b.WriteString("\n\n" + clean(e.URL))
	return b.String()
}
