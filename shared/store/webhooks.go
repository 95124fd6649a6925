package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// Webhook is a user's default webhook endpoint and its signing secrets: sealed (package
// sealed) when the deployment has TORALE_SECRET_KEYS, otherwise derived from the notify key and
// a salt.
type Webhook struct {
	UserID       uuid.UUID
	URL          string
	Enabled      bool
	SecretSalt   []byte
	SecretSealed string // "" while the secret is still derived from SecretSalt
	PreviousSalt []byte // nil when no earlier secret still signs
	// PreviousSealed is the sealed earlier secret; "" when it is derived from PreviousSalt.
	PreviousSealed    string
	PreviousExpiresAt *time.Time // when the previous secret stops signing
	RotatedAt         *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// EnsureWebhook returns the user's webhook record, creating an empty one (no URL, disabled)
// with salt and sealed (the sealed secret, "" for one derived from salt) on first use, so every
// user has a signing secret to see before setting a URL.
func (s *Store) EnsureWebhook(ctx context.Context, userID uuid.UUID, salt []byte, sealed string) (Webhook, error) {
	r, err := s.q.EnsureWebhook(ctx, db.EnsureWebhookParams{UserID: userID, Salt: salt, Sealed: opt(sealed)})
	if errors.Is(err, pgx.ErrNoRows) {
		// A concurrent first call inserted the row after this statement's snapshot.
		return s.GetWebhook(ctx, userID)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("ensuring webhook: %w", translate(err))
	}
	return webhookOf(db.UserWebhook(r)), nil
}

// GetWebhook returns the user's webhook record, or ErrNotFound when they never had one.
func (s *Store) GetWebhook(ctx context.Context, userID uuid.UUID) (Webhook, error) {
	r, err := s.q.GetWebhook(ctx, userID)
	if err != nil {
		return Webhook{}, fmt.Errorf("reading webhook: %w", translate(err))
	}
	return webhookOf(r), nil
}

// SetWebhook sets the user's default URL and whether it is used, creating the record with salt
// and sealed (as EnsureWebhook) when there is none. Enabling a URL that Torale had disabled
// (410 Gone) re-enables it.
func (s *Store) SetWebhook(ctx context.Context, userID uuid.UUID, url string, enabled bool, salt []byte, sealed string, now time.Time) (Webhook, error) {
	var w Webhook
	err := s.inTx(ctx, func(q *db.Queries) error {
		r, err := q.SetWebhook(ctx, db.SetWebhookParams{UserID: userID, Url: url, Enabled: enabled, Salt: salt,
			Sealed: opt(sealed), Now: now})
		if err != nil {
			return translate(err)
		}
		w = webhookOf(r)
		if enabled {
			_, err = q.DeleteDisabledWebhook(ctx, db.DeleteDisabledWebhookParams{UserID: userID, Url: url})
		}
		return translate(err)
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("setting webhook: %w", err)
	}
	return w, nil
}

// RotateWebhookSecret replaces the user's secret with the one of salt and sealed (as
// EnsureWebhook); the one it replaces keeps signing until keepUntil. A secret rotated out
// earlier is dropped. ErrNotFound when the user has no webhook record.
func (s *Store) RotateWebhookSecret(ctx context.Context, userID uuid.UUID, salt []byte, sealed string, now, keepUntil time.Time) (Webhook, error) {
	r, err := s.q.RotateWebhookSecret(ctx, db.RotateWebhookSecretParams{UserID: userID, Salt: salt, Sealed: opt(sealed),
		Now: now, KeepUntil: keepUntil})
	if err != nil {
		return Webhook{}, fmt.Errorf("rotating webhook secret: %w", translate(err))
	}
	return webhookOf(r), nil
}

// SealWebhookSecrets stores the sealed form of a user's secrets that were still derived: the
// current one, and the previous one ("" when none still signs). When another call stored them
// first, the record as it now stands comes back.
func (s *Store) SealWebhookSecrets(ctx context.Context, userID uuid.UUID, current, previous string) (Webhook, error) {
	r, err := s.q.SealWebhookSecrets(ctx, db.SealWebhookSecretsParams{UserID: userID, SecretSealed: &current,
		PreviousSealed: opt(previous)})
	if errors.Is(err, pgx.ErrNoRows) {
		return s.GetWebhook(ctx, userID)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("sealing webhook secrets: %w", translate(err))
	}
	return webhookOf(r), nil
}

// DisabledWebhook is an endpoint Torale stopped posting to, and why.
type DisabledWebhook struct {
	URL        string
	Reason     string
	DisabledAt time.Time
}

// DisableWebhookURL stops deliveries to url for the user (it answered 410 Gone). When url is
// the user's default webhook, the default is switched off too, so the settings show it.
func (s *Store) DisableWebhookURL(ctx context.Context, userID uuid.UUID, url, reason string, now time.Time) error {
	err := s.inTx(ctx, func(q *db.Queries) error {
		if err := q.InsertDisabledWebhook(ctx, db.InsertDisabledWebhookParams{UserID: userID, Url: url, Reason: reason,
			DisabledAt: now}); err != nil {
			return translate(err)
		}
		return translate(q.SwitchOffWebhook(ctx, db.SwitchOffWebhookParams{UserID: userID, Url: url, Now: now}))
	})
	if err != nil {
		return fmt.Errorf("disabling webhook: %w", err)
	}
	return nil
}

// EnableWebhookURL lets deliveries to url go out again. ErrNotFound when it was not disabled.
func (s *Store) EnableWebhookURL(ctx context.Context, userID uuid.UUID, url string) error {
	n, err := s.q.DeleteDisabledWebhook(ctx, db.DeleteDisabledWebhookParams{UserID: userID, Url: url})
	if err != nil {
		return fmt.Errorf("enabling webhook: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// DisabledWebhooks lists the user's disabled endpoints, most recent first.
func (s *Store) DisabledWebhooks(ctx context.Context, userID uuid.UUID) ([]DisabledWebhook, error) {
	rows, err := s.q.DisabledWebhooks(ctx, userID)
	return mapAll(rows, err, "listing disabled webhooks", func(r db.DisabledWebhooksRow) DisabledWebhook {
		return DisabledWebhook{URL: r.Url, Reason: r.Reason, DisabledAt: r.DisabledAt}
	})
}

// WebhookDisabled returns the record of url's disabling for the user, or ErrNotFound when it
// is not disabled.
func (s *Store) WebhookDisabled(ctx context.Context, userID uuid.UUID, url string) (DisabledWebhook, error) {
	r, err := s.q.WebhookDisabled(ctx, db.WebhookDisabledParams{UserID: userID, Url: url})
	if errors.Is(err, pgx.ErrNoRows) {
		return DisabledWebhook{}, ErrNotFound
	}
	if err != nil {
		return DisabledWebhook{}, fmt.Errorf("reading disabled webhook: %w", translate(err))
	}
	return DisabledWebhook{URL: r.Url, Reason: r.Reason, DisabledAt: r.DisabledAt}, nil
}
