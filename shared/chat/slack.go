package chat

import (
	"context"
	"net/http"
	"strings"
)

// slackService posts to a Slack incoming webhook: Block Kit blocks (a header, the news, the
// evidence, the sources, a link) with a mrkdwn `text` that notifications and old clients show.
type slackService struct{}

func init() { register(slackService{}) }

// Slack's limits: a section's text and the top-level text are at most 3000 characters, a
// header's 150.
const (
	slackSection = 3000
	slackHeader  = 150
	slackSources = 10
)

func (slackService) Kind() Kind { return Slack }

func (slackService) Fields() []Field {
	return []Field{{Name: "webhook_url", Label: "Webhook URL", Required: true, Secret: true, URL: true,
		Hint: "Slack: your app → Incoming Webhooks → Add New Webhook to Workspace"}}
}

func (s slackService) Validate(in Settings) (Settings, error) { return normalize(in, s.Fields()) }

func (s slackService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	url := set["webhook_url"]
	r, _, err := call{service: "Slack", method: http.MethodPost, url: url, body: slackMessage(p),
		secrets: urlSecrets(url)}.do(ctx, client)
	return r, err
}

// slackEscaper makes text literal in mrkdwn: Slack reads only &, < and > as markup (links,
// mentions such as <!channel>), so those three are all it takes.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeSlack(s string) string { return slackEscaper.Replace(s) }

// escapeSlackCode is escapeSlack inside a ``` block, which three backticks would close.
func escapeSlackCode(s string) string {
	return escapeFence(escapeSlack(s))
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackPayload struct {
	Text        string       `json:"text"`
	Blocks      []slackBlock `json:"blocks"`
	UnfurlLinks bool         `json:"unfurl_links"`
	UnfurlMedia bool         `json:"unfurl_media"`
}

func slackMessage(p Post) slackPayload {
	head := p.heading()
	section := func(s string) slackBlock {
		return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: s}}
	}
	out := slackPayload{Blocks: []slackBlock{{Type: "header", Text: &slackText{Type: "plain_text", Text: fit(head, slackHeader, nil, units)}}}}
	if p.Text != "" {
		if p.Diff {
			out.Blocks = append(out.Blocks, section("```"+fit(p.Text, slackSection-6, escapeSlackCode, units)+"```"))
		} else {
			out.Blocks = append(out.Blocks, section(fit(p.Text, slackSection, escapeSlack, units)))
		}
	}
	if p.Evidence != "" {
		label := "*" + escapeSlack(p.evidenceLabel()) + "*\n"
		out.Blocks = append(out.Blocks, section(label+fit(p.Evidence, slackSection-units(label), escapeSlack, units)))
	}
	if src := slackLinks(p.links()); src != "" {
		out.Blocks = append(out.Blocks, section(src))
	}
	if link := p.safeLink(); link != "" {
		out.Blocks = append(out.Blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: "<" + escapeURL(link) + "|Open in Torale>"}}})
	}
	// The fallback is what a notification banner shows: the heading and the start of the news.
	out.Text = "*" + fit(head, slackHeader, escapeSlack, units) + "*"
	if p.Text != "" {
		out.Text += "\n" + fit(p.Text, 300, escapeSlack, units)
	}
	return out
}

// slackLinks lists sources as mrkdwn links, as many as fit in one section.
func slackLinks(links []Source) string {
	if len(links) == 0 {
		return ""
	}
	b := "*Sources*"
	for i, s := range links {
		if i == slackSources {
			break
		}
		// A label may not hold "|" (it would end the URL part), so it becomes a look-alike.
		line := "\n• <" + escapeURL(s.URL) + "|" + escapeSlack(strings.ReplaceAll(fit(s.Title, 150, nil, runes), "|", "¦")) + ">"
		if units(b+line) > slackSection {
			break
		}
		b += line
	}
	return b
}
