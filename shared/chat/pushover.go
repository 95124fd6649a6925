package chat

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// pushoverService pushes through Pushover's message API (a form post, as its docs show) with
// HTML formatting: the task as title, the news and evidence escaped, the task as the
// message's supplementary URL.
type pushoverService struct{}

func init() { register(pushoverService{}) }

// Pushover's limits: message 1024 characters, title 250, url 512, url_title 100.
const (
	pushoverMessage = 1024
	pushoverTitle   = 250
	pushoverURL     = 512
	pushoverSources = 3
	pushoverAPI     = "https://api.pushover.net"
)

// pushoverKey is the shape of Pushover's application tokens and user keys: 30 letters and digits.
var pushoverKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]{30}$`) })

func (pushoverService) Kind() Kind { return Pushover }

func (pushoverService) Fields() []Field {
	return []Field{
		{Name: "app_token", Label: "Application token", Required: true, Secret: true,
			Hint: "Pushover: Your Applications → Create an Application/API Token"},
		{Name: "user_key", Label: "User or group key", Required: true, Secret: true,
			Hint: "Your user key, shown on Pushover's dashboard after logging in, or a delivery group's key"},
		{Name: "api_url", Label: "API server", URL: true, Default: pushoverAPI,
			Hint: "Leave as is"},
	}
}

func (s pushoverService) Validate(in Settings) (Settings, error) {
	out, err := normalize(in, s.Fields())
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"app_token", "user_key"} {
		if err := match(out, f, pushoverKey(), "must be the 30 letters and digits Pushover shows"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type pushoverPayload struct {
	Title, Message, URL, URLTitle string
}

func (p pushoverPayload) form(token, user string) url.Values {
	v := url.Values{"token": {token}, "user": {user}, "title": {p.Title}, "message": {p.Message}, "html": {"1"}}
	if p.URL != "" {
		v.Set("url", p.URL)
		v.Set("url_title", p.URLTitle)
	}
	return v
}

func (s pushoverService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	api := set["api_url"]
	if api == "" {
		api = pushoverAPI
	}
	token, user := set["app_token"], set["user_key"]
	r, _, err := call{service: "Pushover", method: http.MethodPost, url: strings.TrimRight(api, "/") + "/1/messages.json",
		form: pushoverMessageOf(p).form(token, user), secrets: []string{token, user}}.do(ctx, client)
	return r, err
}

func pushoverMessageOf(p Post) pushoverPayload {
	out := pushoverPayload{Title: fit(p.heading(), pushoverTitle, nil, runes)}
	if link := p.safeLink(); link != "" && len(link) <= pushoverURL {
		out.URL, out.URLTitle = link, "Open in Torale"
	}
	tail := ""
	for i, s := range p.links() {
		if i == pushoverSources {
			break
		}
		a := "\n<a href=\"" + escapeHTML(s.URL) + "\">" + fit(s.Title, 60, escapeHTML, runes) + "</a>"
		if runes(tail+a) > pushoverMessage/3 {
			break
		}
		tail += a
	}
	label := ""
	if p.Evidence != "" {
		label = "<b>" + escapeHTML(p.evidenceLabel()) + "</b>\n"
		if p.Text != "" {
			label = "\n\n" + label
		}
	}
	room := pushoverMessage - runes(tail) - runes(label)
	textN, evN := share(room, runes(escapeHTML(p.Text)), runes(escapeHTML(p.Evidence)))
	out.Message = fit(p.Text, textN, escapeHTML, runes)
	if p.Evidence != "" {
		out.Message += label + fit(p.Evidence, evN, escapeHTML, runes)
	}
	if out.Message += tail; strings.TrimSpace(out.Message) == "" {
		out.Message = escapeHTML(out.Title) // Pushover refuses an empty message
	}
	return out
}
