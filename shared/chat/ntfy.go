package chat

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// ntfyService publishes to an ntfy topic as JSON (on ntfy.sh or a self-hosted server): the
// task as title, the news as Markdown, a tap opening the task. The delivery id is the
// message's sequence id, so on ntfy 2.16 and later a retry after a timeout replaces the
// first notification instead of adding a second (older servers ignore it).
type ntfyService struct{}

func init() { register(ntfyService{}) }

// ntfy keeps messages up to 4096 bytes (the default message-size-limit) as text; a longer
// one becomes an attachment, so the message is kept under it.
const (
	ntfyMax     = 4000
	ntfyTitle   = 250
	ntfySources = 10
	ntfyServer  = "https://ntfy.sh"
)

// ntfyTopic is ntfy's rule for topic names.
var ntfyTopic = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`) })

func (ntfyService) Kind() Kind { return Ntfy }

func (ntfyService) Fields() []Field {
	return []Field{
		{Name: "server", Label: "Server", URL: true, Default: ntfyServer,
			Hint: "https://ntfy.sh, or your own ntfy server"},
		{Name: "topic", Label: "Topic", Required: true,
			Hint: "The topic your phone subscribes to; anyone who knows a public topic's name can read it, so pick a hard one to guess"},
		{Name: "token", Label: "Access token", Secret: true,
			Hint: "Only for a protected topic: an access token (tk_…) from your ntfy account"},
	}
}

func (s ntfyService) Validate(in Settings) (Settings, error) {
	out, err := normalize(in, s.Fields())
	if err != nil {
		return nil, err
	}
	if err := match(out, "topic", ntfyTopic(), "may hold only letters, digits, - and _ (at most 64)"); err != nil {
		return nil, err
	}
	return out, nil
}

type ntfyAction struct {
	Action string `json:"action"`
	Label  string `json:"label"`
	URL    string `json:"url"`
}

type ntfyPayload struct {
	Topic      string       `json:"topic"`
	Title      string       `json:"title"`
	Message    string       `json:"message"`
	Markdown   bool         `json:"markdown"`
	Tags       []string     `json:"tags"`
	Click      string       `json:"click,omitempty"`
	Actions    []ntfyAction `json:"actions,omitempty"`
	SequenceID string       `json:"sequence_id,omitempty"`
}

func (s ntfyService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	server := set["server"]
	if server == "" {
		server = ntfyServer
	}
	c := call{service: "ntfy", method: http.MethodPost, url: strings.TrimRight(server, "/") + "/",
		body: ntfyMessage(set["topic"], p), header: http.Header{}}
	if t := set["token"]; t != "" {
		c.header.Set("Authorization", "Bearer "+t)
		c.secrets = []string{t}
	}
	r, _, err := c.do(ctx, client)
	return r, err
}

func ntfyMessage(topic string, p Post) ntfyPayload {
	out := ntfyPayload{Topic: topic, Title: fit(p.heading(), ntfyTitle, nil, runes), Markdown: true,
		Tags: []string{"mag"}, SequenceID: p.ID}
	if p.Test {
		out.Tags = []string{"test_tube"}
	}
	if link := p.safeLink(); link != "" {
		out.Click = link
		out.Actions = []ntfyAction{{Action: "view", Label: "Open in Torale", URL: link}}
	}
	// The tap opens the task, so the body does not link to it again.
	body := p
	body.Link = ""
	out.Message = markdownBody(body, ntfyMax, ntfySources)
	return out
}
