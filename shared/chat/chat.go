package chat

import (
	"context"
	"net/http"
	"sort"
	"time"
)

// Kind names a service.
type Kind string

// The kinds a channel may be.
const (
	Slack      Kind = "slack"
	Discord    Kind = "discord"
	Teams      Kind = "teams" // Microsoft Teams Workflows webhooks; the Office 365 connectors are retired
	Telegram   Kind = "telegram"
	Ntfy       Kind = "ntfy"
	Pushover   Kind = "pushover"
	Gotify     Kind = "gotify"
	Matrix     Kind = "matrix"
	GoogleChat Kind = "google_chat"
)

// Settings are a channel's settings, field name to value, as the user gave them; each
// Service documents its fields and names the secret ones.
type Settings map[string]string

// Source is one page a notification cites.
type Source struct {
	Title string
	URL   string
}

// Post is what one notification says, before any service's format.
type Post struct {
	// Title is the watch's name.
	Title string
	// Text is what the watch found: the agent's message, or a change-mode diff.
	Text string
	// Evidence is the agent's evidence for it, when there is any.
	Evidence string
	// Confidence is the agent's confidence, 0–100; 0 when there is none (change mode).
	Confidence int
	Sources    []Source
	// Link is the watch in the dashboard.
	Link string
	// Test marks a "send test" from the settings screen; services say so in the message.
	Test bool
	// ID is the delivery's id, the same on every retry: a service that takes an idempotency
	// key (Matrix's transaction id, ntfy's sequence id) uses it so a retry is not a second
	// message. The others may show a duplicate after a timeout.
	ID string
	// Diff marks Text as a change-mode diff ("+ " and "- " lines): services that can show
	// preformatted text do, so the lines keep their marks.
	Diff bool
}

// Receipt is what the service answered.
type Receipt struct {
	Status int
	// RetryAfter is how long the service asked to be left alone (429), in whole seconds
	// rounded up; zero when it did not.
	RetryAfter int
}

// Wait is RetryAfter as a duration, for outbox.Receipt.
func (r Receipt) Wait() time.Duration { return time.Duration(r.RetryAfter) * time.Second }

// Service is one kind of channel.
type Service interface {
	// Kind is the kind it speaks.
	Kind() Kind
	// Fields are the settings it takes, in the order a form shows them.
	Fields() []Field
	// Validate checks settings when a channel is saved and returns them normalised (trimmed,
	// defaults filled in). Its error is a *FieldError naming the field, and never contains a
	// secret's value.
	Validate(s Settings) (Settings, error)
	// Send formats p and posts it with client. An error never contains a secret (a token, a
	// webhook URL's key): it is shown to the user and logged. Wrap it with outbox.Permanent
	// when a retry cannot help (a 4xx other than 408 and 429).
	Send(ctx context.Context, client *http.Client, s Settings, p Post) (Receipt, error)
}

// Field is one setting of a Service.
type Field struct {
	Name     string
	Label    string
	Required bool
	// Secret fields are sealed when stored and shown masked after saving.
	Secret bool
	// Hint says where to find the value ("Slack: Apps → Incoming Webhooks → Add").
	Hint string
	// URL fields hold an address the service posts to: the channel checks them against the
	// SSRF guard when saving, and the guarded client checks them again at every send.
	URL bool
	// Default is the value Validate fills in when the field is left empty.
	Default string
}

// FieldError is a setting that was refused.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

var services = map[Kind]Service{}

// register adds a service; each kind's file calls it from init.
func register(s Service) { services[s.Kind()] = s }

// Lookup returns the service of a kind.
func Lookup(k Kind) (Service, bool) {
	s, ok := services[k]
	return s, ok
}

// Kinds lists every kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(services))
	for k := range services {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
