package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/net/http/httpguts"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
)

// MaxHeaderValue is the longest custom header value accepted, in bytes.
const MaxHeaderValue = 4096

// HeaderError says why a custom header was refused, naming it (never its value).
type HeaderError struct {
	Name   string
	Reason string
}

func (e *HeaderError) Error() string { return fmt.Sprintf("The header %q %s.", e.Name, e.Reason) }

// Header is a custom header as the settings show it: the value masked.
type Header struct {
	Name      string
	Masked    string
	UpdatedAt time.Time
}

// reserved are the headers a user may not set: HTTP's own (hop-by-hop, framing, routing) and
// the ones Torale signs and identifies its deliveries with.
var reserved = map[string]string{
	"connection": "hop", "keep-alive": "hop", "transfer-encoding": "hop", "te": "hop", "trailer": "hop",
	"upgrade": "hop", "host": "http", "content-length": "http", "content-type": "torale",
	"user-agent": "torale", "webhook-id": "signature", "webhook-timestamp": "signature",
	"webhook-signature": "signature",
}

// CheckHeader validates a custom header and returns its name in canonical form. The value is
// never part of an error.
func CheckHeader(name, value string) (string, error) {
	if name == "" || len(name) > 100 || !httpguts.ValidHeaderFieldName(name) {
		return "", &HeaderError{Name: clip(name), Reason: "is not a valid header name: use 1 to 100 letters, digits and !#$%&'*+-.^_`|~"}
	}
	canonical := http.CanonicalHeaderKey(name)
	lower := strings.ToLower(name)
	kind := reserved[lower]
	switch {
	case kind == "hop" || strings.HasPrefix(lower, "proxy-"):
		return "", &HeaderError{Name: canonical, Reason: "is a hop-by-hop header, which applies to one connection and cannot be set"}
	case kind == "http":
		return "", &HeaderError{Name: canonical, Reason: "is set by HTTP for each request and cannot be set"}
	case kind == "signature" || strings.HasPrefix(lower, "webhook-") || strings.HasPrefix(lower, "torale-") || strings.HasPrefix(lower, "x-torale-"):
		return "", &HeaderError{Name: canonical, Reason: "is reserved for Torale's Standard Webhooks signature and delivery headers"}
	case kind == "torale":
		return "", &HeaderError{Name: canonical, Reason: "is set by Torale on every delivery and cannot be replaced"}
	case value == "" || len(value) > MaxHeaderValue || !httpguts.ValidHeaderFieldValue(value) ||
		strings.TrimSpace(value) != value:
		return "", &HeaderError{Name: canonical, Reason: fmt.Sprintf("needs a value of 1 to %d characters without line breaks, control characters or surrounding spaces", MaxHeaderValue)}
	}
	return canonical, nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// sameOrigin reports whether a delivery to target may carry the headers of the user's webhook
// at base: the same scheme, host and port. Headers often hold a credential for one endpoint, so
// a task's webhook elsewhere never receives them.
func sameOrigin(target, base string) bool {
	t, err1 := url.Parse(target)
	b, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && base != "" && strings.EqualFold(t.Scheme, b.Scheme) &&
		strings.EqualFold(t.Hostname(), b.Hostname()) && port(t) == port(b)
}

// port is the URL's port, the scheme's default when it names none.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// headers opens the user's custom headers for a delivery to target (none when target is not
// the origin of their webhook). A header that does not open fails the delivery rather than
// sending it without, say, its credential.
func (v vault) headers(ctx context.Context, h store.Webhook, target string) (http.Header, error) {
	if !sameOrigin(target, h.URL) {
		return nil, nil
	}
	list, err := v.store.WebhookHeaders(ctx, h.UserID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	out := http.Header{}
	for _, hd := range list {
		p, err := v.ring.Open(hd.ValueSealed, store.WebhookHeaderWhere(h.UserID, hd.Name))
		if err != nil {
			return nil, fmt.Errorf("opening the custom header %q: %w", hd.Name, err)
		}
		out.Set(hd.Name, string(p))
	}
	return out, nil
}

// SetHeader adds a custom header to the user's webhook or replaces its value. A *HeaderError
// when it is refused or would be the eleventh.
func (w *Service) SetHeader(ctx context.Context, userID uuid.UUID, name, value string) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	canonical, err := CheckHeader(name, value)
	if err != nil {
		return Settings{}, err
	}
	if w.vault.ring == nil {
		return Settings{}, fmt.Errorf("custom webhook headers are %w (set TORALE_SECRET_KEYS)", outbox.ErrNotConfigured)
	}
	if _, err := w.vault.load(ctx, userID); err != nil {
		return Settings{}, err
	}
	s, err := w.vault.ring.Seal([]byte(value), store.WebhookHeaderWhere(userID, canonical))
	if err != nil {
		return Settings{}, err
	}
	err = w.store.SetWebhookHeader(ctx, userID, canonical, s, w.now())
	if errors.Is(err, store.ErrTooManyHeaders) {
		return Settings{}, &HeaderError{Name: canonical, Reason: fmt.Sprintf("cannot be added: a webhook carries at most %d custom headers", store.MaxWebhookHeaders)}
	}
	if err != nil {
		return Settings{}, err
	}
	return w.Get(ctx, userID)
}

// DeleteHeader removes a custom header; ErrNotFound when the user has none of that name.
func (w *Service) DeleteHeader(ctx context.Context, userID uuid.UUID, name string) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	if err := w.store.DeleteWebhookHeader(ctx, userID, http.CanonicalHeaderKey(name)); err != nil {
		return Settings{}, err
	}
	return w.Get(ctx, userID)
}

// maskedHeaders lists the user's headers with their values masked; one that does not open
// (its key left the keyring) shows no characters at all.
func (w *Service) maskedHeaders(ctx context.Context, userID uuid.UUID) ([]Header, error) {
	list, err := w.store.WebhookHeaders(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Header, 0, len(list))
	for _, hd := range list {
		masked := "••••"
		if p, err := w.vault.ring.Open(hd.ValueSealed, store.WebhookHeaderWhere(userID, hd.Name)); err == nil {
			masked = sealed.Mask(string(p))
		}
		out = append(out, Header{Name: hd.Name, Masked: masked, UpdatedAt: hd.UpdatedAt})
	}
	return out, nil
}
