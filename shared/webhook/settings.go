package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// SettingsStore is the database side of the webhook settings.
type SettingsStore interface {
	Store
	SetWebhook(ctx context.Context, userID uuid.UUID, url string, enabled bool, salt []byte, sealed string, now time.Time) (store.Webhook, error)
	RotateWebhookSecret(ctx context.Context, userID uuid.UUID, salt []byte, sealed string, now, keepUntil time.Time) (store.Webhook, error)
	SetWebhookHeader(ctx context.Context, userID uuid.UUID, name, valueSealed string, now time.Time) error
	DeleteWebhookHeader(ctx context.Context, userID uuid.UUID, name string) error
	EnableWebhookURL(ctx context.Context, userID uuid.UUID, url string) error
	DisabledWebhooks(ctx context.Context, userID uuid.UUID) ([]store.DisabledWebhook, error)
	ListDeliveryLog(ctx context.Context, userID uuid.UUID, channel task.ChannelType, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error)
}

// Settings is a user's default webhook as the API shows it, secret included.
type Settings struct {
	URL     string
	Enabled bool
	// Secret signs every webhook of the user (task URLs too); verify with it.
	Secret string
	// PreviousSecretExpiresAt is when the secret replaced by the last rotation stops signing.
	PreviousSecretExpiresAt *time.Time
	RotatedAt               *time.Time
	UpdatedAt               time.Time
	DisabledEndpoints       []store.DisabledWebhook
	// Headers are the custom headers sent to the webhook's origin, values masked.
	Headers []Header
}

// Service manages users' webhook settings and delivery log.
type Service struct {
	store  SettingsStore
	keys   *notifykey.Keys
	vault  vault
	guard  *netguard.Guard
	sender *Sender
	now    func() time.Time
}

// NewService returns the settings service; sender makes the test deliveries. ring (nil
// without TORALE_SECRET_KEYS) seals secrets and custom header values.
func NewService(s SettingsStore, keys *notifykey.Keys, ring *sealed.Keyring, guard *netguard.Guard, sender *Sender, now func() time.Time) *Service {
	return &Service{store: s, keys: keys, vault: vault{store: s, keys: keys, ring: ring, now: now},
		guard: guard, sender: sender, now: now}
}

func (w *Service) configured() error {
	if w.keys == nil {
		return fmt.Errorf("webhooks are %w (set TORALE_NOTIFY_SECRET)", outbox.ErrNotConfigured)
	}
	return nil
}

// Get returns the user's settings, creating their secret on first use.
func (w *Service) Get(ctx context.Context, userID uuid.UUID) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	h, err := w.vault.load(ctx, userID)
	if err != nil {
		return Settings{}, err
	}
	return w.view(ctx, h)
}

// Set changes the default URL and whether it is used. The URL must pass the same checks
// deliveries make (https, a public host, an allowed port); enabling needs a URL.
func (w *Service) Set(ctx context.Context, userID uuid.UUID, url string, enabled bool) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	url = strings.TrimSpace(url)
	if err := w.CheckURL(url, enabled); err != nil {
		return Settings{}, err
	}
	if err := w.dropHeadersOnMove(ctx, userID, url); err != nil {
		return Settings{}, err
	}
	salt, sealedSecret, err := w.vault.fresh(userID)
	if err != nil {
		return Settings{}, err
	}
	h, err := w.store.SetWebhook(ctx, userID, url, enabled, salt, sealedSecret, w.now())
	if err != nil {
		return Settings{}, err
	}
	if h, err = w.vault.settle(ctx, h); err != nil {
		return Settings{}, err
	}
	return w.view(ctx, h)
}

// dropHeadersOnMove removes the custom headers when the webhook moves to another origin: a
// header usually carries a credential for one endpoint, and whoever moves the URL must not
// receive it at an address of their choosing. They are entered again for the new endpoint.
func (w *Service) dropHeadersOnMove(ctx context.Context, userID uuid.UUID, url string) error {
	old, err := w.store.GetWebhook(ctx, userID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (old.URL == "" || sameOrigin(url, old.URL))) {
		return nil
	}
	if err != nil {
		return err
	}
	headers, err := w.store.WebhookHeaders(ctx, userID)
	if err != nil {
		return err
	}
	for _, h := range headers {
		if err := w.store.DeleteWebhookHeader(ctx, userID, h.Name); err != nil {
			return err
		}
	}
	return nil
}

// CheckURL validates a webhook URL for saving: a *task.ValidationError on field "url" says
// what is wrong. An empty URL is fine unless required.
func (w *Service) CheckURL(url string, required bool) error {
	switch {
	case url == "" && required:
		return invalid("url", "is required to enable the webhook")
	case url == "":
		return nil
	case len(url) > 2048:
		return invalid("url", "must be at most 2048 characters")
	}
	if _, err := w.guard.CheckURL(url); err != nil {
		var refused *netguard.RefusedError
		if !errors.As(err, &refused) {
			return fmt.Errorf("checking the webhook URL: %w", err)
		}
		return invalid("url", "cannot be used: "+refused.Reason)
	}
	return nil
}

// Rotate gives the user a new secret; the old one keeps signing for SecretOverlap.
func (w *Service) Rotate(ctx context.Context, userID uuid.UUID) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	// Sealing first keeps the secret being replaced as it is, to sign through the overlap.
	if _, err := w.vault.load(ctx, userID); err != nil {
		return Settings{}, err
	}
	salt, sealedSecret, err := w.vault.fresh(userID)
	if err != nil {
		return Settings{}, err
	}
	now := w.now()
	h, err := w.store.RotateWebhookSecret(ctx, userID, salt, sealedSecret, now, now.Add(SecretOverlap))
	if err != nil {
		return Settings{}, err
	}
	return w.view(ctx, h)
}

// Enable lets deliveries reach an endpoint Torale disabled after a 410 Gone. ErrNotFound when
// the URL is not disabled.
func (w *Service) Enable(ctx context.Context, userID uuid.UUID, url string) (Settings, error) {
	if err := w.configured(); err != nil {
		return Settings{}, err
	}
	if err := w.store.EnableWebhookURL(ctx, userID, strings.TrimSpace(url)); err != nil {
		return Settings{}, err
	}
	return w.Get(ctx, userID)
}

// Test posts a signed webhook.test event to url, or to the default webhook when url is empty.
func (w *Service) Test(ctx context.Context, userID uuid.UUID, url string) (TestResult, error) {
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
func (w *Service) Deliveries(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error) {
	return w.store.ListDeliveryLog(ctx, userID, task.ChannelWebhook, taskID, limit, after)
}

func (w *Service) view(ctx context.Context, h store.Webhook) (Settings, error) {
	disabled, err := w.store.DisabledWebhooks(ctx, h.UserID)
	if err != nil {
		return Settings{}, err
	}
	if disabled == nil {
		disabled = []store.DisabledWebhook{}
	}
	secret, err := w.vault.secret(h)
	if err != nil {
		return Settings{}, err
	}
	headers, err := w.maskedHeaders(ctx, h.UserID)
	if err != nil {
		return Settings{}, err
	}
	v := Settings{URL: h.URL, Enabled: h.Enabled, Secret: secret, RotatedAt: h.RotatedAt, UpdatedAt: h.UpdatedAt,
		DisabledEndpoints: disabled, Headers: headers}
	if h.PreviousExpiresAt != nil && w.now().Before(*h.PreviousExpiresAt) {
		v.PreviousSecretExpiresAt = h.PreviousExpiresAt
	}
	return v, nil
}

func invalid(field, msg string) error {
	return &task.ValidationError{Fields: []task.FieldError{{Field: field, Message: msg}}}
}
