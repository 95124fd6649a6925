package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// ClaimDueDeliveries takes up to limit pending outbox rows due at now, counts the attempt and
// hides them until leaseUntil, all in one statement; a notifier that dies mid-send leaves the
// row to come due again, and the receiver sees the same delivery id twice.
func (s *Store) ClaimDueDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]task.Delivery, error) {
	return queryAll(ctx, s.pool, "claiming deliveries", func(r pgx.CollectableRow) (task.Delivery, error) { return scanDelivery(r) }, `
WITH due AS (
    SELECT id AS due_id FROM notification_deliveries
    WHERE status = 'pending' AND next_attempt_at <= $1
    ORDER BY next_attempt_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE notification_deliveries d SET next_attempt_at = $2, attempts = d.attempts + 1
FROM due WHERE d.id = due.due_id
RETURNING `+deliveryColumns, now, leaseUntil, limit)
}

// Attempt is the record of one try to deliver a notification.
type Attempt struct {
	DeliveryID   uuid.UUID
	Number       int // the delivery's attempts count when it was claimed
	At           time.Time
	OK           bool
	ResponseCode int
	Latency      time.Duration
	Error        string
	// RetryAt schedules the next try after a failure; nil marks the delivery failed for good.
	RetryAt *time.Time
}

// RecordAttempt logs a and moves the delivery to delivered, failed, or its next try. An attempt
// whose claim was overtaken by a newer one is logged but changes nothing else.
func (s *Store) RecordAttempt(ctx context.Context, a Attempt) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var code *int
		if a.ResponseCode != 0 {
			code = &a.ResponseCode
		}
		if _, err := tx.Exec(ctx, `INSERT INTO delivery_attempts
			(delivery_id, attempted_at, ok, response_code, latency_ms, error)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''))`,
			a.DeliveryID, a.At, a.OK, code, a.Latency.Milliseconds(), a.Error); err != nil {
			return translate(err)
		}
		status, next := task.DeliveryPending, a.At
		switch {
		case a.OK:
			status = task.DeliveryDelivered
		case a.RetryAt == nil:
			status = task.DeliveryFailed
		default:
			next = *a.RetryAt
		}
		_, err := tx.Exec(ctx, `UPDATE notification_deliveries SET status = $3, next_attempt_at = $4,
			last_error = NULLIF($5, ''), delivered_at = CASE WHEN $3 = 'delivered' THEN $6::timestamptz END
			WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
			a.DeliveryID, a.Number, status, next, a.Error, a.At)
		return translate(err)
	})
	if err != nil {
		return fmt.Errorf("recording delivery attempt: %w", err)
	}
	return nil
}

// ListDeliveries returns the outbox rows of one of the user's executions.
func (s *Store) ListDeliveries(ctx context.Context, userID, executionID uuid.UUID) ([]task.Delivery, error) {
	return queryAll(ctx, s.pool, "listing deliveries", func(r pgx.CollectableRow) (task.Delivery, error) { return scanDelivery(r) }, `SELECT `+deliveryColumns+` FROM notification_deliveries
		WHERE execution_id = $1 AND user_id = $2 ORDER BY channel`, executionID, userID)
}
