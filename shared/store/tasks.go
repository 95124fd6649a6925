package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

const taskColumns = `id, user_id, name, name_is_default, search_query, condition_description,
	schedule, timezone, notify_behavior, notifications, state, next_run_at, last_run_at,
	last_execution_id, created_at, updated_at, state_changed_at`

// scanTask reads taskColumns, then any extra columns into extra.
func scanTask(row pgx.Row, extra ...any) (task.Task, error) {
	var t task.Task
	err := row.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.NameIsDefault, &t.SearchQuery,
		&t.ConditionDescription, &t.Schedule, &t.Timezone, &t.NotifyBehavior, &t.Notifications,
		&t.State, &t.NextRunAt, &t.LastRunAt, &t.LastExecutionID, &t.CreatedAt, &t.UpdatedAt,
		&t.StateChangedAt}, extra...)...)
	if t.Notifications == nil {
		t.Notifications = []task.Notification{}
	}
	return t, err
}

// NewTask is a validated task ready to be stored.
type NewTask struct {
	UserID               uuid.UUID
	Name                 string
	NameIsDefault        bool
	SearchQuery          string
	ConditionDescription string
	Schedule             string
	Timezone             string
	NotifyBehavior       task.NotifyBehavior
	Notifications        []task.Notification
	State                task.State
	NextRunAt            *time.Time
}

// CreateTask stores a new task and returns it as stored.
func (s *Store) CreateTask(ctx context.Context, n NewTask) (task.Task, error) {
	t, err := insertTask(ctx, s.pool, uuid.New(), n)
	if err != nil {
		return task.Task{}, fmt.Errorf("creating task: %w", err)
	}
	return t, nil
}

func insertTask(ctx context.Context, q querier, id uuid.UUID, n NewTask) (task.Task, error) {
	notifications := n.Notifications
	if notifications == nil {
		notifications = []task.Notification{}
	}
	t, err := scanTask(q.QueryRow(ctx, `
INSERT INTO tasks (id, user_id, name, name_is_default, search_query, condition_description, schedule,
                   timezone, notify_behavior, notifications, state, next_run_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING `+taskColumns, id, n.UserID, n.Name, n.NameIsDefault, n.SearchQuery,
		n.ConditionDescription, n.Schedule, n.Timezone, n.NotifyBehavior, notifications, n.State, n.NextRunAt))
	return t, translate(err)
}

// GetTask returns the user's task, or ErrNotFound when it is missing or someone else's.
func (s *Store) GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error) {
	return getTask(ctx, s.pool, userID, id, "")
}

func getTask(ctx context.Context, q querier, userID, id uuid.UUID, lock string) (task.Task, error) {
	t, err := scanTask(q.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1 AND user_id = $2 `+lock, id, userID))
	if err != nil {
		return task.Task{}, fmt.Errorf("reading task: %w", translate(err))
	}
	return t, nil
}

// Cursor is a position in a newest-first list: the last row a page returned.
type Cursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// TaskFilter narrows ListTasks. Limit must be positive; After continues a previous page.
type TaskFilter struct {
	State task.State // empty for every state
	Limit int
	After *Cursor
}

// ListTasks returns the user's tasks newest first, one page at a time.
func (s *Store) ListTasks(ctx context.Context, userID uuid.UUID, f TaskFilter) ([]task.Task, error) {
	var afterAt *time.Time
	var afterID *uuid.UUID
	if f.After != nil {
		afterAt, afterID = &f.After.CreatedAt, &f.After.ID
	}
	q := `SELECT ` + taskColumns + ` FROM tasks
WHERE user_id = $1
  AND ($2 = '' OR state = $2)
  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
ORDER BY created_at DESC, id DESC
LIMIT $5`
	return queryAll(ctx, s.pool, "listing tasks", func(r pgx.CollectableRow) (task.Task, error) { return scanTask(r) }, q, userID, string(f.State), afterAt, afterID, f.Limit)
}

// Claim is a due task the sweep took: run it for the fire at ScheduledFor.
type Claim struct {
	TaskID       uuid.UUID
	UserID       uuid.UUID
	ScheduledFor time.Time
}

// ClaimDueTasks takes up to limit active tasks due at now, oldest first, and in the same
// statement moves their next_run_at to leaseUntil, so no other sweeper takes them. The runner
// sets the real next run when the run ends; if it never does, the task comes due again when
// the lease runs out, so a lost trigger delays a run but never drops it.
func (s *Store) ClaimDueTasks(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Claim, error) {
	const q = `
WITH due AS (
    SELECT id, next_run_at FROM tasks
    WHERE state = 'active' AND next_run_at <= $1
    ORDER BY next_run_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE tasks t SET next_run_at = $2
FROM due WHERE t.id = due.id
RETURNING t.id, t.user_id, due.next_run_at`
	return queryAll(ctx, s.pool, "claiming due tasks", func(r pgx.CollectableRow) (Claim, error) {
		var c Claim
		err := r.Scan(&c.TaskID, &c.UserID, &c.ScheduledFor)
		return c, err
	}, q, now, leaseUntil, limit)
}
