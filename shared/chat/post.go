package chat

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// Limits on what a post carries, the same as the email's and the webhook's, before any
// service's own (smaller) limits apply.
const (
	maxText    = 6000 // runes of notification and of evidence
	maxSources = 20
)

// FromMessage is the post of one notification: the task's name, what the run found (the
// agent's message, or a change-mode watch's diff), the evidence and sources, and a link to
// the task. It depends only on stored data, so every retry of a delivery posts the same.
func FromMessage(m outbox.Message, publicURL string) Post {
	p := Post{Title: oneLine(m.Task.Name), Link: outbox.TaskURL(strings.TrimRight(publicURL, "/"), m.Task.ID),
		ID: m.Delivery.ID.String(), Diff: m.Task.Mode == task.ModeChange}
	if a := m.Alert; a != nil {
		// An alert's message: what broke and what to do, or that it works again.
		headline, text, advice := a.Words(m.Delivery.AlertPhase)
		p.Title = oneLine(headline + ": " + m.Task.Name)
		p.Diff = false
		p.Text = strings.TrimSpace(outbox.Clip(text, maxText))
		p.Evidence = strings.TrimSpace(outbox.Clip(advice, maxText))
		return p
	}
	if r := m.Execution.Result; r != nil {
		if r.Notification != nil {
			p.Text = strings.TrimSpace(outbox.Clip(*r.Notification, maxText))
		}
		p.Evidence = strings.TrimSpace(outbox.Clip(r.Evidence, maxText))
		p.Confidence = r.Confidence
		for _, s := range r.Sources {
			if len(p.Sources) == maxSources {
				break
			}
			p.Sources = append(p.Sources, Source{Title: oneLine(s.Title), URL: s.URL})
		}
	}
	return p
}

// SamplePost is what "send test" posts: the shape of a real notification, marked as a test.
func SamplePost(publicURL string) Post {
	id := uuid.MustParse("00000000-0000-4000-8000-000000000000")
	return Post{Title: "Test notification", Test: true, Confidence: 100,
		Text:     "This is a test message from Torale. Your channel is set up: notifications from your watches will arrive here.",
		Evidence: "Sent from the channel settings.",
		Sources:  []Source{{Title: "Torale", URL: strings.TrimRight(publicURL, "/") + "/"}},
		Link:     outbox.TaskURL(strings.TrimRight(publicURL, "/"), id)}
}

// heading is the post's title as a message shows it, saying when it is a test.
func (p Post) heading() string {
	t := oneLine(p.Title)
	if t == "" {
		t = "Torale"
	}
	if p.Test {
		return "Test: " + t
	}
	return t
}

// evidenceLabel introduces the evidence, with the agent's confidence when it gave one.
func (p Post) evidenceLabel() string {
	if p.Confidence > 0 {
		return fmt.Sprintf("Why Torale thinks so (%d%% confident)", p.Confidence)
	}
	return "Why Torale thinks so"
}

// links are the post's sources that may be shown as links: http(s) URLs only, with a title
// (the host when the agent gave none).
func (p Post) links() []Source {
	var out []Source
	for _, s := range p.Sources {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		t := oneLine(s.Title)
		if t == "" {
			t = u.Host
		}
		out = append(out, Source{Title: t, URL: u.String()})
	}
	return out
}

// safeLink returns the post's link when it is an http(s) URL, "" otherwise.
func (p Post) safeLink() string {
	u, err := url.Parse(p.Link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// escapeURL percent-encodes the characters that end a link in the markup formats here
// (parentheses, angle brackets, pipes, quotes, backslashes and spaces), so a URL from the web
// stays one link and cannot close the markup around it.
func escapeURL(u string) string {
	return urlEscaper.Replace(u)
}

var urlEscaper = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "|", "%7C",
	`"`, "%22", "'", "%27", `\`, "%5C", " ", "%20", "`", "%60", "*", "%2A", "_", "%5F", "[", "%5B", "]", "%5D")
