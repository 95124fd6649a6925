package chat

import (
	"context"
	"net/http"
	"strings"
)

// googleChatService posts to a Google Chat space's incoming webhook a card (cardsV2): the
// task as header, the news, evidence and sources as escaped HTML paragraphs, a button to the
// task. Cards rather than a text message because Chat's text format has no escape: agent
// text like <users/all> would mention the whole space.
type googleChatService struct{}

func init() { register(googleChatService{}) }

// Google Chat's limits: a message is at most 32,000 bytes and its text 4096 characters;
// each paragraph here keeps within the text's.
const (
	googleChatText     = 4000
	googleChatEvidence = 2000
	googleChatSources  = 10
)

func (googleChatService) Kind() Kind { return GoogleChat }

func (googleChatService) Fields() []Field {
	return []Field{{Name: "webhook_url", Label: "Webhook URL", Required: true, Secret: true, URL: true,
		Hint: "Google Chat: the space's name → Apps & integrations → Webhooks → Add webhook; copy the URL (it holds the key and token)"}}
}

func (s googleChatService) Validate(in Settings) (Settings, error) { return normalize(in, s.Fields()) }

func (s googleChatService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	url := set["webhook_url"]
	r, _, err := call{service: "Google Chat", method: http.MethodPost, url: url, body: googleChatMessage(p),
		secrets: urlSecrets(url)}.do(ctx, client)
	return r, err
}

type gcWidget struct {
	TextParagraph *gcText    `json:"textParagraph,omitempty"`
	ButtonList    *gcButtons `json:"buttonList,omitempty"`
}

type gcText struct {
	Text string `json:"text"`
}

type gcButtons struct {
	Buttons []gcButton `json:"buttons"`
}

type gcButton struct {
	Text    string `json:"text"`
	OnClick struct {
		OpenLink struct {
			URL string `json:"url"`
		} `json:"openLink"`
	} `json:"onClick"`
}

type gcSection struct {
	Header  string     `json:"header,omitempty"`
	Widgets []gcWidget `json:"widgets"`
}

type gcCard struct {
	CardID string `json:"cardId"`
	Card   struct {
		Header struct {
			Title    string `json:"title"`
			Subtitle string `json:"subtitle"`
		} `json:"header"`
		Sections []gcSection `json:"sections"`
	} `json:"card"`
}

type googleChatPayload struct {
	FallbackText string   `json:"fallbackText"`
	CardsV2      []gcCard `json:"cardsV2"`
}

func googleChatMessage(p Post) googleChatPayload {
	head := fit(p.heading(), 200, nil, runes)
	para := func(s string) gcWidget { return gcWidget{TextParagraph: &gcText{Text: s}} }
	var c gcCard
	c.CardID = "torale"
	c.Card.Header.Title, c.Card.Header.Subtitle = head, "Torale"
	if p.Text != "" {
		t := fit(p.Text, googleChatText, htmlLines, runes)
		if p.Diff {
			t = "<font face=\"monospace\">" + t + "</font>"
		}
		c.Card.Sections = append(c.Card.Sections, gcSection{Widgets: []gcWidget{para(t)}})
	}
	if p.Evidence != "" {
		c.Card.Sections = append(c.Card.Sections, gcSection{Header: p.evidenceLabel(),
			Widgets: []gcWidget{para(fit(p.Evidence, googleChatEvidence, htmlLines, runes))}})
	}
	if links := p.links(); len(links) > 0 {
		var lines []string
		for i, s := range links {
			if i == googleChatSources {
				break
			}
			lines = append(lines, `<a href="`+escapeHTML(s.URL)+`">`+fit(s.Title, 150, escapeHTML, runes)+"</a>")
		}
		c.Card.Sections = append(c.Card.Sections, gcSection{Header: "Sources", Widgets: []gcWidget{para(strings.Join(lines, "<br>"))}})
	}
	if link := p.safeLink(); link != "" {
		var b gcButton
		b.Text = "Open in Torale"
		b.OnClick.OpenLink.URL = link
		c.Card.Sections = append(c.Card.Sections, gcSection{Widgets: []gcWidget{{ButtonList: &gcButtons{Buttons: []gcButton{b}}}}})
	}
	if len(c.Card.Sections) == 0 { // a card needs a section
		c.Card.Sections = []gcSection{{Widgets: []gcWidget{para(htmlLines(head))}}}
	}
	// Notifications and clients that cannot show cards show this.
	return googleChatPayload{FallbackText: head, CardsV2: []gcCard{c}}
}
