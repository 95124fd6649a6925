package email

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

//go:embed templates
var templateFS embed.FS

// Renderer writes Torale's emails. Every value from a task, the agent or the web is escaped in
// the HTML part (html/template), and only http(s) source URLs become links.
type Renderer struct {
	public string
	keys   *notifykey.Keys
}

// textTemplates and htmlTemplates are parsed on the first email rather than at start: the API
// makes a Renderer too, and its cold start should not pay for templates most instances never
// execute.
var (
	textTemplates = sync.OnceValue(func() *texttemplate.Template {
		return texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
	})
	htmlTemplates = sync.OnceValue(func() *htmltemplate.Template {
		return htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/*.html"))
	})
)

// NewRenderer returns a renderer linking to publicURL. With keys, notification emails carry a
// one-click List-Unsubscribe (RFC 8058) that stops the task's emails; without, they carry none.
func NewRenderer(publicURL string, keys *notifykey.Keys) *Renderer {
	return &Renderer{public: strings.TrimRight(publicURL, "/"), keys: keys}
}

// Limits on what an email quotes of a run, the same as the webhook payload's, so a chatty
// agent cannot make a notification unreadable.
const (
	maxText    = 6000 // runes of notification and of evidence
	maxSources = 20
)

// UnsubscribePath is the API path a List-Unsubscribe link posts to.
const UnsubscribePath = "/api/v1/unsubscribe"

// UnsubscribePage is the dashboard's page a person opens from the email's footer: it asks
// before it posts to UnsubscribePath, since link scanners follow every GET.
const UnsubscribePage = "/unsubscribe"

type notificationView struct {
	Subject, TaskName, TaskURL, To, Notification, Evidence string
	// UnsubscribeURL is the dashboard's page that stops this task's emails to To in one click,
	// for a person; the List-Unsubscribe header posts to the API for the mail client.
	UnsubscribeURL string
	Paragraphs     []string
	Sources        []task.Source
	Confidence     int
}

// Notification renders the email telling a user what a run found.
func (r *Renderer) Notification(m outbox.Message) (Message, error) {
	v := notificationView{TaskName: oneLine(m.Task.Name), TaskURL: outbox.TaskURL(r.public, m.Task.ID), To: m.Delivery.Target}
	v.Subject = outbox.Clip("Torale: "+v.TaskName, 150)
	if res := m.Execution.Result; res != nil {
		if res.Notification != nil {
			v.Notification = strings.TrimSpace(outbox.Clip(*res.Notification, maxText))
		}
		v.Evidence = strings.TrimSpace(outbox.Clip(res.Evidence, maxText))
		v.Confidence = res.Confidence
		for _, s := range res.Sources {
			if u, err := url.Parse(s.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(v.Sources) < maxSources {
				v.Sources = append(v.Sources, task.Source{URL: s.URL, Title: oneLine(s.Title)})
			}
		}
	}
	for _, p := range strings.Split(v.Notification, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Paragraphs = append(v.Paragraphs, p)
		}
	}
	e := Message{To: m.Delivery.Target, Subject: v.Subject, UserID: m.Delivery.UserID, Headers: map[string]string{}}
	if r.keys != nil {
		token := UnsubscribeToken(r.keys, m.Task.ID, m.Delivery.Target)
		link := r.public + UnsubscribePath + "?token=" + token
		v.UnsubscribeURL = r.public + UnsubscribePage + "?token=" + token
		e.Headers["List-Unsubscribe"] = "<" + link + ">"
		e.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	return e, r.execute(&e, "notification", v)
}

type codeView struct {
	Subject, Code, To string
	Minutes           int
}

// Code renders the email that carries an address verification code.
func (r *Renderer) Code(to, code string, minutes int) (Message, error) {
	v := codeView{Subject: "Your Torale verification code: " + code, Code: code, To: to, Minutes: minutes}
	e := Message{To: to, Subject: v.Subject}
	return e, r.execute(&e, "code", v)
}

func (r *Renderer) execute(e *Message, name string, v any) error {
	var text, html bytes.Buffer
	if err := textTemplates().ExecuteTemplate(&text, name+".txt", v); err != nil {
		return fmt.Errorf("rendering %s text: %w", name, err)
	}
	if err := htmlTemplates().ExecuteTemplate(&html, name+".html", v); err != nil {
		return fmt.Errorf("rendering %s HTML: %w", name, err)
	}
	e.Text, e.HTML = text.String(), html.String()
	return nil
}

// oneLine folds line breaks and tabs into spaces, for subjects and names.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
