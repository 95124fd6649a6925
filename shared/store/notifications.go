package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// Notified is a run that told the user something, with the delivery of each channel.
type Notified struct {
	task.Execution
	TaskName   string          `json:"task_name"`
	Deliveries []task.Delivery `json:"deliveries"`
}

// ListNotified returns the user's runs that notified, newest first: of one task when taskID is
// set, else of every task.
func (s *Store) ListNotified(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *Cursor) ([]Notified, error) {
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
	rows, err := s.pool.Query(ctx, `SELECT `+executionColumnsOf("e.")+`, t.name
		FROM executions e JOIN tasks t ON t.id = e.task_id
		WHERE e.user_id = $1 AND ($2::uuid IS NULL OR e.task_id = $2)
		  AND e.status = 'success' AND e.result->>'notification' <> ''
		  AND ($3::timestamptz IS NULL OR (e.created_at, e.id) < ($3, $4))
		ORDER BY e.created_at DESC, e.id DESC LIMIT $5`, userID, taskID, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notified, error) {
		var n Notified
		e := &n.Execution
		err := r.Scan(&e.ID, &e.TaskID, &e.UserID, &e.ScheduledFor, &e.Trigger, &e.Status, &e.Attempt,
			&e.CreatedAt, &e.StartedAt, &e.FinishedAt, &e.DeadlineAt, &e.Result, &e.Error, &e.InternalError,
			&e.ErrorCategory, &e.Usage.Model, &e.Usage.PromptTokens, &e.Usage.OutputTokens,
			&e.Usage.SearchQueries, &e.Usage.CostUSD, &n.TaskName)
		n.Deliveries = []task.Delivery{}
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", translate(err))
	}
	return list, s.attachDeliveries(ctx, userID, list)
}

func (s *Store) attachDeliveries(ctx context.Context, userID uuid.UUID, list []Notified) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(list))
	index := map[uuid.UUID]int{}
	for i, n := range list {
		ids[i], index[n.ID] = n.ID, i
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM notification_deliveries
		WHERE user_id = $1 AND execution_id = ANY($2) ORDER BY channel`, userID, ids)
	if err != nil {
		return fmt.Errorf("listing deliveries: %w", translate(err))
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (task.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return fmt.Errorf("listing deliveries: %w", translate(err))
	}
	for _, d := range ds {
		i := index[d.ExecutionID]
		list[i].Deliveries = append(list[i].Deliveries, d)
	}
	return nil
}
