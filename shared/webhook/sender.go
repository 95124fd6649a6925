// Package webhook is the webhook notification channel: it posts Standard Webhooks events
// (signed with each user's secret, stored sealed, or derived from the notify key on a
// deployment without TORALE_SECRET_KEYS) with the user's custom headers through a guard that keeps them off
// Torale's own network, disables an endpoint that answers 410 Gone, and serves the settings that
// users manage (URL, secret rotation, test sends, delivery log).
package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// maxResponseRead caps how much of a receiver's answer is read (and thrown away): enough to
// keep the connection reusable, never stored or shown.
const maxResponseRead = 64 << 10

// SecretOverlap is how long a rotated-out secret keeps signing beside the new one.
const SecretOverlap = 24 * time.Hour

// Store is what webhook delivery reads and writes.
type Store interface {
	GetWebhook(ctx context.Context, userID uuid.UUID) (store.Webhook, error)
	EnsureWebhook(ctx context.Context, userID uuid.UUID, salt []byte, sealed string) (store.Webhook, error)
	SealWebhookSecrets(ctx context.Context, userID uuid.UUID, current, previous string) (store.Webhook, error)
	WebhookHeaders(ctx context.Context, userID uuid.UUID) ([]store.WebhookHeader, error)
	WebhookDisabled(ctx context.Context, userID uuid.UUID, url string) (store.DisabledWebhook, error)
	DisableWebhookURL(ctx context.Context, userID uuid.UUID, url, reason string, now time.Time) error
	DeliveredSince(ctx context.Context, userID uuid.UUID, channel task.ChannelType, since time.Time) (int, error)
}

// Deps build a Sender.
type Deps struct {
	Store Store
	// Keys derives the signing secrets; nil makes every send fail with outbox.ErrNotConfigured.
	Keys *notifykey.Keys
	// Keyring seals signing secrets and custom header values; nil keeps secrets derived from
	// Keys and custom headers off.
	Keyring *sealed.Keyring
	// Guard makes the requests (its client refuses private addresses and redirects).
	Guard *netguard.Guard
	// PublicURL prefixes the task links in payloads.
	PublicURL string
	// Reporter, when set, tells owners about endpoints disabled after a 410 Gone or failing
	// for a day (shared/alert); nil tells no one beyond the delivery log.
	Reporter Reporter
	Now      func() time.Time
	Log      *slog.Logger
}

// Sender posts signed Standard Webhooks events. It is the webhook channel's outbox.Sender and
// also sends the test events of the settings page, through the same guarded client.
type Sender struct {
	store    Store
	keys     *notifykey.Keys
	vault    vault
	client   *http.Client
	public   string
	reporter Reporter
	now      func() time.Time
	log      *slog.Logger
}

// NewSender returns the sender.
func NewSender(d Deps) *Sender {
	return &Sender{store: d.Store, keys: d.Keys, vault: vault{store: d.Store, keys: d.Keys, ring: d.Keyring, now: d.Now},
		client: d.Guard.Client(), public: d.PublicURL, reporter: d.Reporter, now: d.Now, log: d.Log}
}

// Send posts the task.condition_met event of m (task.alert for an alert's message) to the
// task's webhook, or the user's default. A 410 Gone disables the endpoint for the user, fails
// for good and is reported to the owner by email; a redirect fails this delivery for good but
// leaves the endpoint on (the user may fix the URL); an endpoint failing for a day is reported.
func (s *Sender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	if s.keys == nil {
		return outbox.Receipt{}, fmt.Errorf("webhook signing is %w (set TORALE_NOTIFY_SECRET)", outbox.ErrNotConfigured)
	}
	hook, err := s.vault.load(ctx, m.Delivery.UserID)
	if err != nil {
		return outbox.Receipt{}, fmt.Errorf("loading webhook settings: %w", err)
	}
	url := m.Delivery.Target
	if url == "" {
		switch {
		case hook.URL == "":
			return outbox.Receipt{}, errors.New("the task uses your default webhook, and none is set; set one in the webhook settings")
		case !hook.Enabled:
			return outbox.Receipt{}, outbox.Permanent(errors.New("the task uses your default webhook, which is turned off"))
		}
		url = hook.URL
	}
	if d, err := s.store.WebhookDisabled(ctx, m.Delivery.UserID, url); err == nil {
		return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("%s (since %s); enable the endpoint again in the webhook settings",
			d.Reason, d.DisabledAt.UTC().Format(time.RFC3339)))
	} else if !errors.Is(err, store.ErrNotFound) {
		return outbox.Receipt{}, fmt.Errorf("checking the endpoint: %w", err)
	}
	body, err := eventBody(m, s.public)
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("encoding the event: %w", err))
	}
	r, err := s.postAs(ctx, hook, url, m.Delivery.ID.String(), body)
	if r.ResponseCode == http.StatusGone {
		reason := "The endpoint answered 410 Gone, so Torale stopped posting to it"
		if derr := s.store.DisableWebhookURL(ctx, m.Delivery.UserID, url, reason, s.now()); derr != nil {
			return r, fmt.Errorf("disabling the endpoint after 410 Gone: %w", derr)
		}
		s.log.InfoContext(ctx, "webhook endpoint disabled after 410 Gone", slog.String("user_id", m.Delivery.UserID.String()), slog.String("delivery_id", m.Delivery.ID.String()))
	}
	s.report(ctx, m, url, r, err)
	return r, err
}

// postAs posts body to url signed with the user's secrets, with their custom headers when url
// is on their webhook's origin.
func (s *Sender) postAs(ctx context.Context, hook store.Webhook, url, id string, body []byte) (outbox.Receipt, error) {
	secrets, err := s.vault.signers(hook)
	if err != nil {
		return outbox.Receipt{}, err
	}
	extra, err := s.vault.headers(ctx, hook, url)
	if err != nil {
		return outbox.Receipt{}, err
	}
	return s.post(ctx, url, id, body, secrets, extra)
}
