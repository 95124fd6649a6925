package chat

import (
	"context"
	"net/http"
	"strings"
)

// gotifyService pushes to a self-hosted Gotify server as an application: Markdown shown as
// Markdown (extras client::display), a tap opening the task.
type gotifyService struct{}

func init() { register(gotifyService{}) }

// Gotify sets no limit of its own; these keep a phone's notification readable.
const (
	gotifyMax     = 8000 // bytes of message
	gotifySources = 10
)

func (gotifyService) Kind() Kind { return Gotify }

func (gotifyService) Fields() []Field {
	return []Field{
		{Name: "server", Label: "Server", Required: true, URL: true, Hint: "Your Gotify server, such as https://gotify.example.com"},
		{Name: "app_token", Label: "Application token", Required: true, Secret: true,
			Hint: "Gotify: Apps → Create Application, then copy its token"},
	}
}

func (s gotifyService) Validate(in Settings) (Settings, error) { return normalize(in, s.Fields()) }

type gotifyPayload struct {
	Title   string         `json:"title"`
	Message string         `json:"message"`
	Extras  map[string]any `json:"extras"`
}

func (s gotifyService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	token := set["app_token"]
	r, _, err := call{service: "Gotify", method: http.MethodPost, url: strings.TrimRight(set["server"], "/") + "/message",
		body: gotifyMessage(p), header: http.Header{"X-Gotify-Key": {token}}, secrets: []string{token}}.do(ctx, client)
	return r, err
}

func gotifyMessage(p Post) gotifyPayload {
	extras := map[string]any{"client::display": map[string]string{"contentType": "text/markdown"}}
	if link := p.safeLink(); link != "" {
		extras["client::notification"] = map[string]any{"click": map[string]string{"url": link}}
	}
	return gotifyPayload{Title: fit(p.heading(), 250, nil, runes), Message: markdownBody(p, gotifyMax, gotifySources), Extras: extras}
}

// markdownBody writes a post as CommonMark within n bytes (ntfy, Gotify): the news (a diff
// fenced), the evidence under a bold label, the sources as links and a link to the task.
func markdownBody(p Post, n, sources int) string {
	tail := ""
	if links := p.links(); len(links) > 0 {
		tail = "\n\n**Sources**"
		for i, s := range links {
			if i == sources {
				break
			}
			tail += "  \n[" + fit(s.Title, 150, escapeMarkdown, octets) + "](" + escapeURL(s.URL) + ")"
		}
	}
	if link := p.safeLink(); link != "" {
		tail += "\n\n[Open in Torale](" + escapeURL(link) + ")"
	}
	label := ""
	if p.Evidence != "" {
		label = "**" + escapeMarkdown(p.evidenceLabel()) + "**  \n"
		if p.Text != "" {
			label = "\n\n" + label
		}
	}
	open, close, esc := "", "", escapeMarkdown
	if p.Diff {
		open, close, esc = "```\n", "\n```", escapeFence
	}
	room := n - len(tail) - len(label) - len(open+close)
	textN, evN := share(room, len(esc(p.Text)), len(escapeMarkdown(p.Evidence)))
	out := ""
	if p.Text != "" {
		out = open + fit(p.Text, textN, esc, octets) + close
	}
	if p.Evidence != "" {
		out += label + fit(p.Evidence, evN, escapeMarkdown, octets)
	}
	return out + tail
}
