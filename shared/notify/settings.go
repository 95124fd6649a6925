package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// SettingsStore is the database side of the webhook settings.
type SettingsStore interface {
	WebhookStore
	SetWebhook(ctx context.Context, userID uuid.UUID, url string, enabled bool, salt []byte, now time.Time) (store.Webhook, error)
	RotateWebhookSecret(ctx context.Context, userID uuid.UUID, salt []byte, now, keepUntil time.Time) (store.Webhook, error)
	EnableWebhookURL(ctx context.Context, userID uuid.UUID, url string) error
	DisabledWebhooks(ctx context.Context, userID uuid.UUID) ([]store.DisabledWebhook, error)
	ListDeliveryLog(ctx context.Context, userID uuid.UUID, channel task.ChannelType, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error)
}

// WebhookSettings is a user's default webhook as the API shows it, secret included.
type WebhookSettings struct {
	URL     string `json:"url"`
	Enabled bool   `json:"enabled"`
	// Secret signs every webhook of the user (task URLs too); verify with it.
	Secret string `json:"secret"`
	// PreviousSecretExpiresAt is when the secret replaced by the last rotation stops signing.
	PreviousSecretExpiresAt *time.Time              `json:"previous_secret_expires_at"`
	RotatedAt               *time.Time              `json:"rotated_at"`
	UpdatedAt               time.Time               `json:"updated_at"`
	DisabledEndpoints       []store.DisabledWebhook `json:"disabled_endpoints"`
}

// Webhooks manages users' webhook settings and delivery log.
type Webhooks struct {
	store  SettingsStore
	keys   *Keys
	guard  *netguard.Guard
	sender *WebhookSender
	now    func() time.Time
}

// NewWebhooks returns the settings service; sender makes the test deliveries.
func NewWebhooks(s SettingsStore, keys *Keys, guard *netguard.Guard, sender *WebhookSender, now func() time.Time) *Webhooks {
	return &Webhooks{store: s, keys: keys, guard: guard, sender: sender, now: now}
}

func (w *Webhooks) configured() error {
	if w.keys == nil {
		return fmt.Errorf("webhooks are %w (set TORALE_NOTIFY_SECRET)", ErrNotConfigured)
	}
	return nil
}

// Get returns the user's settings, creating their secret on first use.
func (w *Webhooks) Get(ctx context.Context, userID uuid.UUID) (WebhookSettings, error) {
	if err := w.configured(); err != nil {
		return WebhookSettings{}, err
	}
	h, err := w.store.EnsureWebhook(ctx, userID, NewSalt())
	if err != nil {
		return WebhookSettings{}, err
	}
	return w.view(ctx, h)
}

// Set changes the default URL and whether it is used. The URL must pass the same checks
// deliveries make (https, a public host, an allowed port); enabling needs a URL.
func (w *Webhooks) Set(ctx context.Context, userID uuid.UUID, url string, enabled bool) (WebhookSettings, error) {
	if err := w.configured(); err != nil {
		return WebhookSettings{}, err
	}
	url = strings.TrimSpace(url)
	if err := w.CheckURL(url, enabled); err != nil {
		return WebhookSettings{}, err
	}
	h, err := w.store.SetWebhook(ctx, userID, url, enabled, NewSalt(), w.now())
	if err != nil {
		return WebhookSettings{}, err
	}
	return w.view(ctx, h)
}

// CheckURL validates a webhook URL for saving: a *task.ValidationError on field "url" says
// what is wrong. An empty URL is fine unless required.
func (w *Webhooks) CheckURL(url string, required bool) error {
	switch {
	case url == "" && required:
		return invalid("url", "is required to enable the webhook")
	case url == "":
		return nil
	case len(url) > 2048:
		return invalid("url", "must be at most 2048 characters")
	}
	if _, err := w.guard.CheckURL(url); err != nil {
		msg := strings.TrimPrefix(err.Error(), netguard.ErrRefused.Error()+": ")
		return invalid("url", "cannot be used: "+msg)
	}
	return nil
}

// Rotate gives the user a new secret; the old one keeps signing for SecretOverlap.
func (w *Webhooks) Rotate(ctx context.Context, userID uuid.UUID) (WebhookSettings, error) {
	if err := w.configured(); err != nil {
		return WebhookSettings{}, err
	}
	if _, err := w.store.EnsureWebhook(ctx, userID, NewSalt()); err != nil {
		return WebhookSettings{}, err
	}
	now := w.now()
	h, err := w.store.RotateWebhookSecret(ctx, userID, NewSalt(), now, now.Add(SecretOverlap))
	if err != nil {
		return WebhookSettings{}, err
	}
	return w.view(ctx, h)
}

// Enable lets deliveries reach an endpoint Torale disabled after a 410 Gone. ErrNotFound when
// the URL is not disabled.
func (w *Webhooks) Enable(ctx context.Context, userID uuid.UUID, url string) (WebhookSettings, error) {
	if err := w.configured(); err != nil {
		return WebhookSettings{}, err
	}
	if err := w.store.EnableWebhookURL(ctx, userID, strings.TrimSpace(url)); err != nil {
		return WebhookSettings{}, err
	}
	return w.Get(ctx, userID)
}

// Test posts a signed webhook.test event to url, or to the default webhook when url is empty.
func (w *Webhooks) Test(ctx context.Context, userID uuid.UUID, url string) (TestResult, error) {
	if err := w.configured(); err != nil {
		return TestResult{}, err
	}
	url = strings.TrimSpace(url)
	if url != "" {
		if err := w.CheckURL(url, false); err != nil {
			return TestResult{}, err
		}
	}
	return w.sender.Test(ctx, userID, url)
}

// Deliveries is the webhook delivery log: the user's webhook deliveries, newest first, each with
// every attempt, optionally of one task.
func (w *Webhooks) Deliveries(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error) {
	return w.store.ListDeliveryLog(ctx, userID, task.ChannelWebhook, taskID, limit, after)
}

func (w *Webhooks) view(ctx context.Context, h store.Webhook) (WebhookSettings, error) {
	disabled, err := w.store.DisabledWebhooks(ctx, h.UserID)
	if err != nil {
		return WebhookSettings{}, err
	}
	if disabled == nil {
		disabled = []store.DisabledWebhook{}
	}
	v := WebhookSettings{URL: h.URL, Enabled: h.Enabled, Secret: w.keys.WebhookSecret(h.UserID, h.SecretSalt),
		RotatedAt: h.RotatedAt, UpdatedAt: h.UpdatedAt, DisabledEndpoints: disabled}
	if h.PreviousExpiresAt != nil && w.now().Before(*h.PreviousExpiresAt) {
		v.PreviousSecretExpiresAt = h.PreviousExpiresAt
	}
	return v, nil
}
