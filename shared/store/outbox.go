package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// ClaimDelivery takes one pending outbox row if it is due at now, counting the attempt and
// hiding it until leaseUntil, like ClaimDueDeliveries. ErrNotFound means there is nothing to
// send: the row is delivered, failed, not due yet, or held by another notifier's lease. It waits
// for a row lock rather than skipping the row (a claim by id must not mistake a brief write,
// such as marking the row published, for another notifier's claim); two claims serialize and
// the second finds the lease and takes nothing.
func (s *Store) ClaimDelivery(ctx context.Context, id uuid.UUID, now, leaseUntil time.Time) (task.Delivery, error) {
	return s.ClaimDeliveryUnless(ctx, id, now, leaseUntil, nil)
}

// ClaimDeliveryUnless is ClaimDelivery that also leaves the row alone (ErrNotFound) when it
// belongs to a user in skip, whose share of the notifier is full: the row stays due and a later
// pass sends it, instead of it waiting in memory under a lease that could run out.
func (s *Store) ClaimDeliveryUnless(ctx context.Context, id uuid.UUID, now, leaseUntil time.Time, skip []uuid.UUID) (task.Delivery, error) {
	r, err := s.q.ClaimDelivery(ctx, db.ClaimDeliveryParams{ID: id, Now: now, LeaseUntil: leaseUntil, SkipUsers: skip})
	if err != nil {
		return task.Delivery{}, fmt.Errorf("claiming delivery: %w", translate(err))
	}
	return deliveryOf(r), nil
}

// DueDeliveries lists up to limit pending outbox rows due at now without claiming them, users
// taking turns and each user's oldest first, so a periodic trigger can ask the notify function to send each.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error) {
	ids, err := s.q.DueDeliveries(ctx, db.DueDeliveriesParams{Now: now, MaxRows: limit})
	return mapAll(ids, err, "listing due deliveries", func(id uuid.UUID) uuid.UUID { return id })
}

// AttemptRecord is one logged try to deliver a notification, as the user sees it.
type AttemptRecord struct {
	AttemptedAt  time.Time
	OK           bool
	ResponseCode *int
	LatencyMS    int
	Error        string
}

// DeliveryLog is a delivery with its task's name and every attempt, oldest attempt first.
type DeliveryLog struct {
	task.Delivery
	TaskName   string
	AttemptLog []AttemptRecord
}

// ListDeliveryLog returns the user's deliveries on channel, newest first, each with its
// attempts: of one task when taskID is set (ErrNotFound when the task is not the user's).
func (s *Store) ListDeliveryLog(ctx context.Context, userID uuid.UUID, channel task.ChannelType, taskID *uuid.UUID, limit int, after *Cursor) ([]DeliveryLog, error) {
	if taskID != nil {
		if _, err := s.GetTask(ctx, userID, *taskID); err != nil {
			return nil, err
		}
	}
	at, id := keyset(after)
	rows, err := s.q.ListDeliveryLog(ctx, db.ListDeliveryLogParams{UserID: userID, Channel: channel, TaskID: taskID,
		AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	list, err := mapAll(rows, err, "listing deliveries", func(r db.ListDeliveryLogRow) DeliveryLog {
		return DeliveryLog{Delivery: deliveryOf(r.NotificationDelivery), TaskName: r.TaskName, AttemptLog: []AttemptRecord{}}
	})
	if err != nil {
		return nil, err
	}
	return list, s.attachAttempts(ctx, list)
}

func (s *Store) attachAttempts(ctx context.Context, list []DeliveryLog) error {
	ids := make([]uuid.UUID, len(list))
	for i, l := range list {
		ids[i] = l.ID
	}
	logs, err := s.attemptLogs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].AttemptLog = logs[list[i].ID]
	}
	return nil
}

// attemptLogs returns every attempt at each delivery, oldest first, keyed by delivery id, in one
// query; every id has a list, empty when it was never tried.
func (s *Store) attemptLogs(ctx context.Context, deliveryIDs []uuid.UUID) (map[uuid.UUID][]AttemptRecord, error) {
	out := make(map[uuid.UUID][]AttemptRecord, len(deliveryIDs))
	for _, id := range deliveryIDs {
		out[id] = []AttemptRecord{}
	}
	if len(deliveryIDs) == 0 {
		return out, nil
	}
	rows, err := s.q.AttemptsOf(ctx, deliveryIDs)
	if err != nil {
		return nil, fmt.Errorf("listing delivery attempts: %w", translate(err))
	}
	for _, r := range rows {
		out[r.DeliveryID] = append(out[r.DeliveryID], AttemptRecord{AttemptedAt: r.AttemptedAt, OK: r.Ok,
			ResponseCode: r.ResponseCode, LatencyMS: r.LatencyMs, Error: r.Error})
	}
	return out, nil
}

// DeliveredSince counts the user's deliveries on channel delivered after since, for per-user
// sending limits.
func (s *Store) DeliveredSince(ctx context.Context, userID uuid.UUID, channel task.ChannelType, since time.Time) (int, error) {
	n, err := s.q.DeliveredSince(ctx, db.DeliveredSinceParams{UserID: userID, Channel: channel, Since: since})
	if err != nil {
		return 0, fmt.Errorf("counting deliveries: %w", translate(err))
	}
	return int(n), nil
}
