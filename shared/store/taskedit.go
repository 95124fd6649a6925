package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// TaskChange computes a task's new version from its current one, inside the transaction that
// holds the row; an error aborts the change. It must not call the network: the transaction
// holds a row lock and a pool connection while it runs.
type TaskChange func(ctx context.Context, current task.Task) (task.Task, error)

// UpdateTask applies change to the user's task atomically and returns the stored result. The
// mutable fields are the definition, state, state_changed_at and next_run_at.
func (s *Store) UpdateTask(ctx context.Context, userID, id uuid.UUID, change TaskChange) (task.Task, error) {
	var out task.Task
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := getTask(ctx, tx, userID, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		next, err := change(ctx, cur)
		if err != nil {
			return err
		}
		next.ID = id
		out, err = writeTask(ctx, tx, userID, next)
		return err
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("updating task: %w", err)
	}
	return out, nil
}

// writeTask writes next's mutable fields over the user's row.
func writeTask(ctx context.Context, q querier, userID uuid.UUID, next task.Task) (task.Task, error) {
	notifications := next.Notifications
	if notifications == nil {
		notifications = []task.Notification{}
	}
	out, err := scanTask(q.QueryRow(ctx, `UPDATE tasks SET name = $3, name_is_default = $4,
		search_query = $5, condition_description = $6, schedule = $7, timezone = $8,
		notify_behavior = $9, notifications = $10, state = $11, state_changed_at = $12,
		next_run_at = $13, updated_at = now()
		WHERE id = $1 AND user_id = $2 RETURNING `+taskColumns,
		next.ID, userID, next.Name, next.NameIsDefault, next.SearchQuery, next.ConditionDescription,
		next.Schedule, next.Timezone, next.NotifyBehavior, notifications, next.State,
		next.StateChangedAt, next.NextRunAt))
	return out, translate(err)
}

// DeleteTask removes the user's task with its runs and deliveries.
func (s *Store) DeleteTask(ctx context.Context, userID, id uuid.UUID) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM tasks WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("deleting task: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("deleting task: %w", ErrNotFound)
	}
	return nil
}

// CountActiveTasks reports how many of the user's tasks are active, for the per-user cap.
func (s *Store) CountActiveTasks(ctx context.Context, userID uuid.UUID) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE user_id = $1 AND state = 'active'`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting active tasks: %w", translate(err))
	}
	return n, nil
}

// CancelRuns cancels the task's unfinished runs, so a forced run can start; an attempt still
// working finds its row cancelled and its result is dropped.
func (s *Store) CancelRuns(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE executions SET status = 'cancelled', finished_at = $3,
		error = 'Cancelled by a forced run.'
		WHERE task_id = $1 AND user_id = $2 AND status IN ('pending', 'running', 'retrying')`, taskID, userID, now)
	if err != nil {
		return 0, fmt.Errorf("cancelling runs: %w", translate(err))
	}
	return tag.RowsAffected(), nil
}
