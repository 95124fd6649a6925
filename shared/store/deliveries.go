package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// ClaimDueDeliveries takes up to limit pending outbox rows due at now, counts the attempt and
// hides them until leaseUntil, all in one statement; a notifier that dies mid-send leaves the
// row to come due again, and the receiver sees the same delivery id twice.
func (s *Store) ClaimDueDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]task.Delivery, error) {
	return s.ClaimFairDeliveries(ctx, FairClaim{Now: now, LeaseUntil: leaseUntil, Limit: limit, PerUser: limit})
}

// FairClaim is a claim of due deliveries that shares a notifier between users.
type FairClaim struct {
	Now, LeaseUntil time.Time
	// Limit is how many rows the claim takes at most.
	Limit int
	// PerUser is how many rows of one user it takes at most.
	PerUser int
	// Skip lists users whose share of the notifier is full; their rows stay due.
	Skip []uuid.UUID
}

// ClaimFairDeliveries is ClaimDueDeliveries with users taking turns: of the oldest due rows
// (ten batches' worth, users in Skip left out) it takes at most PerUser per user, so one user's
// backlog of failing deliveries cannot fill a batch and hold everyone else's back.
func (s *Store) ClaimFairDeliveries(ctx context.Context, c FairClaim) ([]task.Delivery, error) {
	rows, err := s.q.ClaimDueDeliveries(ctx, db.ClaimDueDeliveriesParams{Now: c.Now, LeaseUntil: c.LeaseUntil,
		SkipUsers: c.Skip, ScanRows: 10 * c.Limit, PerUser: c.PerUser, MaxRows: c.Limit})
	return mapAll(rows, err, "claiming deliveries", deliveryOf)
}

// Attempt is the record of one try to deliver a notification.
type Attempt struct {
	DeliveryID   uuid.UUID
	Number       int       // the delivery's attempts count when it was claimed
	At           time.Time // when the attempt began
	OK           bool
	ResponseCode int
	Latency      time.Duration
	Error        string
	// RetryAt schedules the next try after a failure; nil marks the delivery failed for good.
	RetryAt *time.Time
	// Ended is when the attempt ended, the delivery time of a success (zero: At).
	Ended time.Time
}

func (a Attempt) ended() time.Time {
	if a.Ended.IsZero() {
		return a.At
	}
	return a.Ended
}

// RecordAttempt logs a and moves the delivery to delivered, failed, or its next try. An attempt
// whose claim was overtaken by a newer one is logged but changes nothing else.
func (s *Store) RecordAttempt(ctx context.Context, a Attempt) error {
	err := s.inTx(ctx, func(q *db.Queries) error {
		var code *int
		if a.ResponseCode != 0 {
			code = &a.ResponseCode
		}
		if err := q.InsertAttempt(ctx, db.InsertAttemptParams{DeliveryID: a.DeliveryID, AttemptedAt: a.At, Ok: a.OK,
			ResponseCode: code, LatencyMs: int(a.Latency.Milliseconds()), Error: a.Error}); err != nil {
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
		return translate(q.SettleDelivery(ctx, db.SettleDeliveryParams{ID: a.DeliveryID, Attempts: a.Number,
			Status: status, NextAttemptAt: next, Error: a.Error, At: a.ended()}))
	})
	if err != nil {
		return fmt.Errorf("recording delivery attempt: %w", err)
	}
	return nil
}

// ListDeliveries returns the outbox rows of one of the user's executions.
func (s *Store) ListDeliveries(ctx context.Context, userID, executionID uuid.UUID) ([]task.Delivery, error) {
	rows, err := s.q.ListDeliveries(ctx, db.ListDeliveriesParams{ExecutionID: &executionID, UserID: userID})
	return mapAll(rows, err, "listing deliveries", deliveryOf)
}
