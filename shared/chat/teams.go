package chat

import (
	"context"
	"net/http"
)

// teamsService posts to a Microsoft Teams workflow (Power Automate, "When a Teams webhook
// request is received"; the Office 365 connectors it replaces are retired) an Adaptive Card
// in the message's attachments. The agent's text goes in RichTextBlock text runs, which Teams
// never reads as Markdown, so it cannot add links or formatting; a workflow cannot mention
// anyone unless the card says so, and this one never does.
type teamsService struct{}

func init() { register(teamsService{}) }

// A Teams message is at most about 28 KB; these keep the card well inside it.
const (
	teamsText     = 12000 // JSON bytes of news
	teamsEvidence = 4000
	teamsSources  = 10
)

func (teamsService) Kind() Kind { return Teams }

func (teamsService) Fields() []Field {
	return []Field{{Name: "workflow_url", Label: "Workflow URL", Required: true, Secret: true, URL: true,
		Hint: "Teams: the channel's … → Workflows → \"Post to a channel when a webhook request is received\"; copy the URL it gives"}}
}

func (s teamsService) Validate(in Settings) (Settings, error) { return normalize(in, s.Fields()) }

func (s teamsService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	url := set["workflow_url"]
	r, _, err := call{service: "Teams", method: http.MethodPost, url: url, body: teamsMessage(p),
		secrets: urlSecrets(url)}.do(ctx, client)
	return r, err
}

// run is a RichTextBlock's text run: plain text, never Markdown.
type run struct {
	Type         string      `json:"type"`
	Text         string      `json:"text"`
	Weight       string      `json:"weight,omitempty"`
	Size         string      `json:"size,omitempty"`
	FontType     string      `json:"fontType,omitempty"`
	SelectAction *openAction `json:"selectAction,omitempty"`
}

type openAction struct {
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

type richText struct {
	Type    string `json:"type"`
	Inlines []run  `json:"inlines"`
	Spacing string `json:"spacing,omitempty"`
}

type adaptiveCard struct {
	Schema  string       `json:"$schema"`
	Type    string       `json:"type"`
	Version string       `json:"version"`
	Body    []richText   `json:"body"`
	Actions []openAction `json:"actions,omitempty"`
	MSTeams struct {
		Width string `json:"width"`
	} `json:"msteams"`
}

type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"`
	Content     adaptiveCard `json:"content"`
}

type teamsPayload struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

func teamsMessage(p Post) teamsPayload {
	text := func(s string) run { return run{Type: "TextRun", Text: s} }
	block := func(rs ...run) richText { return richText{Type: "RichTextBlock", Inlines: rs, Spacing: "Medium"} }
	card := adaptiveCard{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4"}
	card.MSTeams.Width = "Full"
	card.Body = append(card.Body, block(run{Type: "TextRun", Text: fit(p.heading(), 256, nil, runes), Weight: "Bolder", Size: "Medium"}))
	if p.Text != "" {
		r := text(fit(p.Text, teamsText, nil, jsonBytes))
		if p.Diff {
			r.FontType = "Monospace"
		}
		card.Body = append(card.Body, block(r))
	}
	if p.Evidence != "" {
		card.Body = append(card.Body, block(run{Type: "TextRun", Text: p.evidenceLabel() + "\n", Weight: "Bolder"},
			text(fit(p.Evidence, teamsEvidence, nil, jsonBytes))))
	}
	if links := p.links(); len(links) > 0 {
		rs := []run{{Type: "TextRun", Text: "Sources", Weight: "Bolder"}}
		for i, s := range links {
			if i == teamsSources {
				break
			}
			rs = append(rs, text("\n"), run{Type: "TextRun", Text: fit(s.Title, 150, nil, runes),
				SelectAction: &openAction{Type: "Action.OpenUrl", URL: s.URL}})
		}
		card.Body = append(card.Body, block(rs...))
	}
	if link := p.safeLink(); link != "" {
		card.Actions = []openAction{{Type: "Action.OpenUrl", Title: "Open in Torale", URL: link}}
	}
	return teamsPayload{Type: "message", Attachments: []teamsAttachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}}
}
