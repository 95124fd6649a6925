package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// The methods in this file read across users for the reconcile pass and the run gate, which
// act for the system, never for a caller.

// RunAlive reports whether an attempt of the run a trigger names is running and inside its
// deadline: a manual run by its id, a scheduled fire by (task, scheduled_for). Such a trigger is
// a duplicate or a redelivery while the attempt lives; it is held back rather than dropped, so
// that if the attempt's process died, the trigger comes back after the deadline and runs it.
func (s *Store) RunAlive(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, scheduledFor *time.Time, now time.Time) (bool, error) {
	var alive bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM executions
		WHERE task_id = $1 AND user_id = $2 AND status = 'running' AND deadline_at >= $5
		  AND (id = $3 OR scheduled_for = $4))`, taskID, userID, executionID, scheduledFor, now).Scan(&alive)
	if err != nil {
		return false, fmt.Errorf("checking for a live run: %w", translate(err))
	}
	return alive, nil
}

// TasksWithJobs returns every task that needs a scheduler job (active or paused), so
// reconcile can compare them with the jobs that exist.
func (s *Store) TasksWithJobs(ctx context.Context) ([]task.Task, error) {
	return queryAll(ctx, s.pool, "listing scheduled tasks", func(r pgx.CollectableRow) (task.Task, error) { return scanTask(r) }, `SELECT `+taskColumns+` FROM tasks
		WHERE state IN ('active', 'paused') ORDER BY id`)
}

// StaleNextRuns returns active tasks, due before now, whose due fire already has a finished
// run: their next run was never moved on (the run was reaped, or an edit raced the run's end),
// so no trigger would ever run them again.
func (s *Store) StaleNextRuns(ctx context.Context, now time.Time, limit int) ([]task.Task, error) {
	return queryAll(ctx, s.pool, "listing stale next runs", func(r pgx.CollectableRow) (task.Task, error) { return scanTask(r) }, `SELECT `+taskColumns+` FROM tasks t
		WHERE t.state = 'active' AND t.next_run_at < $1
		  AND EXISTS (SELECT 1 FROM executions e WHERE e.task_id = t.id
		      AND e.scheduled_for IN (t.next_run_at, date_trunc('minute', t.next_run_at))
		      AND e.status IN ('success', 'failed', 'cancelled'))
		ORDER BY t.next_run_at LIMIT $2`, now, limit)
}

// MoveNextRun sets an active task's next run to to, if it is still from; it reports whether it
// did. It leaves updated_at alone: this is a repair, not an edit.
func (s *Store) MoveNextRun(ctx context.Context, userID, taskID uuid.UUID, from, to time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE tasks SET next_run_at = $4
		WHERE id = $1 AND user_id = $2 AND state = 'active' AND next_run_at = $3`, taskID, userID, from, to)
	if err != nil {
		return false, fmt.Errorf("moving next run: %w", translate(err))
	}
	return tag.RowsAffected() == 1, nil
}

// Overdue is an active task whose run should have started by now and did not.
type Overdue struct {
	TaskID    uuid.UUID
	UserID    uuid.UUID
	NextRunAt time.Time
}

// OverdueTasks lists active tasks due before before with no unfinished run: their trigger was
// lost (a job missing or late, a message dropped past the retry horizon).
func (s *Store) OverdueTasks(ctx context.Context, before time.Time, limit int) ([]Overdue, error) {
	return queryAll(ctx, s.pool, "listing overdue tasks", func(r pgx.CollectableRow) (Overdue, error) {
		var o Overdue
		err := r.Scan(&o.TaskID, &o.UserID, &o.NextRunAt)
		return o, err
	}, `SELECT t.id, t.user_id, t.next_run_at FROM tasks t
		WHERE t.state = 'active' AND t.next_run_at < $1
		  AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.task_id = t.id
		      AND e.status IN ('pending', 'running', 'retrying'))
		ORDER BY t.next_run_at LIMIT $2`, before, limit)
}

// UnpublishedDeliveries lists pending outbox rows written before before whose notify message
// never went out (the runner stopped between storing the result and publishing), oldest first.
func (s *Store) UnpublishedDeliveries(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error) {
	return queryAll(ctx, s.pool, "listing unpublished deliveries", pgx.RowTo[uuid.UUID], `SELECT id FROM notification_deliveries
		WHERE status = 'pending' AND published_at IS NULL AND created_at < $1
		ORDER BY created_at LIMIT $2`, before, limit)
}

// MarkPublished records that notify messages for ids went out.
func (s *Store) MarkPublished(ctx context.Context, ids []uuid.UUID, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE notification_deliveries SET published_at = $2
		WHERE id = ANY($1) AND published_at IS NULL`, ids, at)
	if err != nil {
		return fmt.Errorf("marking deliveries published: %w", translate(err))
	}
	return nil
}

// reconcileLockKey is the advisory lock one reconcile pass holds.
const reconcileLockKey = 7446172

// TryReconcileLock takes the lock that keeps reconcile passes from overlapping, on a
// connection of its own. ok is false when another pass holds it; release gives it back.
func (s *Store) TryReconcileLock(ctx context.Context) (release func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("taking the reconcile lock: %w", translate(err))
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, reconcileLockKey).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("taking the reconcile lock: %w", translate(err))
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, reconcileLockKey); err != nil {
			// The session still holds the lock: close the connection rather than pool it.
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
	}, true, nil
}
