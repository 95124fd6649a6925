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

// MaxWebhookHeaders is how many custom headers one user's webhook may carry.
const MaxWebhookHeaders = 10

// ErrTooManyHeaders is returned when a new header would pass MaxWebhookHeaders.
var ErrTooManyHeaders = fmt.Errorf("a webhook carries at most %d custom headers", MaxWebhookHeaders)

// WebhookHeader is one custom header of a user's webhook; its value is sealed (package sealed)
// under WebhookHeaderWhere.
type WebhookHeader struct {
	Name        string
	ValueSealed string
	UpdatedAt   time.Time
}

// WebhookSecretWhere is what a user's webhook signing secrets are sealed for.
func WebhookSecretWhere(userID uuid.UUID) string { return "webhook-secret/" + userID.String() }

// WebhookHeaderWhere is what a custom header's value is sealed for: moved to another user or
// another header name, it no longer opens.
func WebhookHeaderWhere(userID uuid.UUID, name string) string {
	return "webhook-header/" + userID.String() + "/" + name
}

// WebhookHeaders lists the user's custom webhook headers by name.
func (s *Store) WebhookHeaders(ctx context.Context, userID uuid.UUID) ([]WebhookHeader, error) {
	rows, err := s.q.WebhookHeaders(ctx, userID)
	return mapAll(rows, err, "listing webhook headers", func(r db.WebhookHeadersRow) WebhookHeader {
		return WebhookHeader{Name: r.Name, ValueSealed: r.ValueSealed, UpdatedAt: r.UpdatedAt}
	})
}

// SetWebhookHeader adds the header or replaces its value. ErrTooManyHeaders when it is new and
// the user has MaxWebhookHeaders already; ErrNotFound when the user has no webhook record.
func (s *Store) SetWebhookHeader(ctx context.Context, userID uuid.UUID, name, valueSealed string, now time.Time) error {
	err := s.inTx(ctx, func(q *db.Queries) error {
		if _, err := q.LockWebhook(ctx, userID); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			return translate(err)
		}
		n, err := q.UpsertWebhookHeader(ctx, db.UpsertWebhookHeaderParams{UserID: userID, Name: name,
			ValueSealed: valueSealed, Now: now, MaxHeaders: MaxWebhookHeaders})
		if err != nil {
			return translate(err)
		}
		if n == 0 {
			return ErrTooManyHeaders
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("setting webhook header: %w", err)
	}
	return nil
}

// DeleteWebhookHeader removes the header. ErrNotFound when the user has none of that name.
func (s *Store) DeleteWebhookHeader(ctx context.Context, userID uuid.UUID, name string) error {
	n, err := s.q.DeleteWebhookHeader(ctx, db.DeleteWebhookHeaderParams{UserID: userID, Name: name})
	if err != nil {
		return fmt.Errorf("deleting webhook header: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
