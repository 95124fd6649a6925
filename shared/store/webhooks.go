package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Webhook is a user's default webhook endpoint and the salts its signing secrets are derived
// from. The secrets themselves are never stored.
type Webhook struct {
	UserID            uuid.UUID
	URL               string
	Enabled           bool
	SecretSalt        []byte
	PreviousSalt      []byte     // nil when no earlier secret still signs
	PreviousExpiresAt *time.Time // when PreviousSalt stops signing
	RotatedAt         *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const webhookColumns = `user_id, url, enabled, secret_salt, previous_salt, previous_expires_at,
	rotated_at, created_at, updated_at`

func scanWebhook(row pgx.Row) (Webhook, error) {
	var w Webhook
	err := row.Scan(&w.UserID, &w.URL, &w.Enabled, &w.SecretSalt, &w.PreviousSalt, &w.PreviousExpiresAt,
		&w.RotatedAt, &w.CreatedAt, &w.UpdatedAt)
	return w, err
}

// EnsureWebhook returns the user's webhook record, creating an empty one (no URL, disabled)
// with salt on first use, so every user has a signing secret to see before setting a URL.
func (s *Store) EnsureWebhook(ctx context.Context, userID uuid.UUID, salt []byte) (Webhook, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, `
WITH ins AS (
    INSERT INTO user_webhooks (user_id, secret_salt) VALUES ($1, $2)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING `+webhookColumns+`
)
SELECT `+webhookColumns+` FROM ins
UNION ALL
SELECT `+webhookColumns+` FROM user_webhooks WHERE user_id = $1
LIMIT 1`, userID, salt))
	if errors.Is(err, pgx.ErrNoRows) {
		// A concurrent first call inserted the row after this statement's snapshot.
		return s.GetWebhook(ctx, userID)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("ensuring webhook: %w", translate(err))
	}
	return w, nil
}

// GetWebhook returns the user's webhook record, or ErrNotFound when they never had one.
func (s *Store) GetWebhook(ctx context.Context, userID uuid.UUID) (Webhook, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, `SELECT `+webhookColumns+` FROM user_webhooks WHERE user_id = $1`, userID))
	if err != nil {
		return Webhook{}, fmt.Errorf("reading webhook: %w", translate(err))
	}
	return w, nil
}

// SetWebhook sets the user's default URL and whether it is used, creating the record with salt
// when there is none. Enabling a URL that Torale had disabled (410 Gone) re-enables it.
func (s *Store) SetWebhook(ctx context.Context, userID uuid.UUID, url string, enabled bool, salt []byte, now time.Time) (Webhook, error) {
	var w Webhook
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		w, err = scanWebhook(tx.QueryRow(ctx, `
INSERT INTO user_webhooks (user_id, url, enabled, secret_salt, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (user_id) DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at
RETURNING `+webhookColumns, userID, url, enabled, salt, now))
		if err != nil {
			return translate(err)
		}
		if enabled {
			_, err = tx.Exec(ctx, `DELETE FROM disabled_webhooks WHERE user_id = $1 AND url = $2`, userID, url)
		}
		return translate(err)
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("setting webhook: %w", err)
	}
	return w, nil
}

// RotateWebhookSecret replaces the user's secret salt with salt; the one it replaces keeps
// signing until keepUntil. A secret rotated out earlier is dropped. ErrNotFound when the user
// has no webhook record.
func (s *Store) RotateWebhookSecret(ctx context.Context, userID uuid.UUID, salt []byte, now, keepUntil time.Time) (Webhook, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, `
UPDATE user_webhooks SET previous_salt = secret_salt, previous_expires_at = $3, secret_salt = $2,
       rotated_at = $4, updated_at = $4
WHERE user_id = $1
RETURNING `+webhookColumns, userID, salt, keepUntil, now))
	if err != nil {
		return Webhook{}, fmt.Errorf("rotating webhook secret: %w", translate(err))
	}
	return w, nil
}

// DisabledWebhook is an endpoint Torale stopped posting to, and why.
type DisabledWebhook struct {
	URL        string    `json:"url"`
	Reason     string    `json:"reason"`
	DisabledAt time.Time `json:"disabled_at"`
}

// DisableWebhookURL stops deliveries to url for the user (it answered 410 Gone). When url is
// the user's default webhook, the default is switched off too, so the settings show it.
func (s *Store) DisableWebhookURL(ctx context.Context, userID uuid.UUID, url, reason string, now time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO disabled_webhooks (user_id, url, reason, disabled_at)
			VALUES ($1, $2, left($3, 500), $4) ON CONFLICT (user_id, url) DO NOTHING`, userID, url, reason, now); err != nil {
			return translate(err)
		}
		_, err := tx.Exec(ctx, `UPDATE user_webhooks SET enabled = false, updated_at = $3
			WHERE user_id = $1 AND url = $2 AND enabled`, userID, url, now)
		return translate(err)
	})
	if err != nil {
		return fmt.Errorf("disabling webhook: %w", err)
	}
	return nil
}

// EnableWebhookURL lets deliveries to url go out again. ErrNotFound when it was not disabled.
func (s *Store) EnableWebhookURL(ctx context.Context, userID uuid.UUID, url string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM disabled_webhooks WHERE user_id = $1 AND url = $2`, userID, url)
	if err != nil {
		return fmt.Errorf("enabling webhook: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// DisabledWebhooks lists the user's disabled endpoints, most recent first.
func (s *Store) DisabledWebhooks(ctx context.Context, userID uuid.UUID) ([]DisabledWebhook, error) {
	return queryAll(ctx, s.pool, "listing disabled webhooks", pgx.RowToStructByPos[DisabledWebhook], `SELECT url, reason, disabled_at FROM disabled_webhooks
		WHERE user_id = $1 ORDER BY disabled_at DESC, url`, userID)
}

// WebhookDisabled returns the record of url's disabling for the user, or ErrNotFound when it
// is not disabled.
func (s *Store) WebhookDisabled(ctx context.Context, userID uuid.UUID, url string) (DisabledWebhook, error) {
	var d DisabledWebhook
	err := s.pool.QueryRow(ctx, `SELECT url, reason, disabled_at FROM disabled_webhooks
		WHERE user_id = $1 AND url = $2`, userID, url).Scan(&d.URL, &d.Reason, &d.DisabledAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("reading disabled webhook: %w", translate(err))
	}
	return d, nil
}
