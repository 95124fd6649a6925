package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// ClaimDelivery takes one pending outbox row if it is due at now, counting the attempt and
// hiding it until leaseUntil, like ClaimDueDeliveries. ErrNotFound means there is nothing to
// send: the row is delivered, failed, not due yet, or held by another notifier's lease. It waits
// for a row lock rather than skipping the row (a claim by id must not mistake a brief write,
// such as marking the row published, for another notifier's claim); two claims serialize and
// the second finds the lease and takes nothing.
func (s *Store) ClaimDelivery(ctx context.Context, id uuid.UUID, now, leaseUntil time.Time) (task.Delivery, error) {
	d, err := scanDelivery(s.pool.QueryRow(ctx, `
UPDATE notification_deliveries SET next_attempt_at = $3, attempts = attempts + 1
WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $2
RETURNING `+deliveryColumns, id, now, leaseUntil))
	if err != nil {
		return task.Delivery{}, fmt.Errorf("claiming delivery: %w", translate(err))
	}
	return d, nil
}

// DueDeliveries lists up to limit pending outbox rows due at now without claiming them, oldest
// first, so a periodic trigger can ask the notify function to send each.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error) {
	return queryAll(ctx, s.pool, "listing due deliveries", pgx.RowTo[uuid.UUID], `SELECT id FROM notification_deliveries
		WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2`, now, limit)
}

// AttemptRecord is one logged try to deliver a notification, as the user sees it.
type AttemptRecord struct {
	AttemptedAt  time.Time `json:"attempted_at"`
	OK           bool      `json:"ok"`
	ResponseCode *int      `json:"response_code"`
	LatencyMS    int       `json:"latency_ms"`
	Error        string    `json:"error,omitempty"`
}

// DeliveryLog is a delivery with its task's name and every attempt, oldest attempt first.
type DeliveryLog struct {
	task.Delivery
	TaskName   string          `json:"task_name"`
	AttemptLog []AttemptRecord `json:"attempt_log"`
}

// ListDeliveryLog returns the user's deliveries on channel, newest first, each with its
// attempts: of one task when taskID is set (ErrNotFound when the task is not the user's).
func (s *Store) ListDeliveryLog(ctx context.Context, userID uuid.UUID, channel task.ChannelType, taskID *uuid.UUID, limit int, after *Cursor) ([]DeliveryLog, error) {
	if taskID != nil {
		if _, err := s.GetTask(ctx, userID, *taskID); err != nil {
			return nil, err
		}
	}
	var afterAt *time.Time
	var afterID *uuid.UUID
	if after != nil {
		afterAt, afterID = &after.CreatedAt, &after.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+`,
		COALESCE((SELECT t.name FROM tasks t WHERE t.id = notification_deliveries.task_id), '')
		FROM notification_deliveries
		WHERE user_id = $1 AND channel = $2 AND ($3::uuid IS NULL OR task_id = $3)
		  AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC LIMIT $6`, userID, channel, taskID, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DeliveryLog, error) {
		var l DeliveryLog
		d := &l.Delivery
		err := r.Scan(&d.ID, &d.ExecutionID, &d.TaskID, &d.UserID, &d.Channel, &d.Target, &d.Status,
			&d.Attempts, &d.NextAttemptAt, &d.LastError, &d.CreatedAt, &d.DeliveredAt, &l.TaskName)
		l.AttemptLog = []AttemptRecord{}
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", translate(err))
	}
	return list, s.attachAttempts(ctx, list)
}

func (s *Store) attachAttempts(ctx context.Context, list []DeliveryLog) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(list))
	index := map[uuid.UUID]int{}
	for i, l := range list {
		ids[i], index[l.ID] = l.ID, i
	}
	rows, err := s.pool.Query(ctx, `SELECT delivery_id, attempted_at, ok, response_code, latency_ms, COALESCE(error, '')
		FROM delivery_attempts WHERE delivery_id = ANY($1) ORDER BY attempted_at, id`, ids)
	if err != nil {
		return fmt.Errorf("listing delivery attempts: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var a AttemptRecord
		if err := rows.Scan(&id, &a.AttemptedAt, &a.OK, &a.ResponseCode, &a.LatencyMS, &a.Error); err != nil {
			return fmt.Errorf("listing delivery attempts: %w", translate(err))
		}
		i := index[id]
		list[i].AttemptLog = append(list[i].AttemptLog, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing delivery attempts: %w", translate(err))
	}
	return nil
}

// DeliveredSince counts the user's deliveries on channel delivered after since, for per-user
// sending limits.
func (s *Store) DeliveredSince(ctx context.Context, userID uuid.UUID, channel task.ChannelType, since time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM notification_deliveries
		WHERE user_id = $1 AND channel = $2 AND status = 'delivered' AND delivered_at > $3`, userID, channel, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting deliveries: %w", translate(err))
	}
	return n, nil
}
