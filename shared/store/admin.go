package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// The methods in this file read across users. Only the admin API calls them.

// Stats are the platform's vital signs over a window.
type Stats struct {
	Users            int       `json:"users"`
	ActiveTasks      int       `json:"active_tasks"`
	Runs             int       `json:"runs"`
	FailedRuns       int       `json:"failed_runs"`
	FailureRate      float64   `json:"failure_rate"`
	NotifiedRuns     int       `json:"notified_runs"`
	NotificationRate float64   `json:"notification_rate"`
	Since            time.Time `json:"since"`
}

// PlatformStats counts users, active tasks, and finished runs since the given time.
func (s *Store) PlatformStats(ctx context.Context, since time.Time) (Stats, error) {
	st := Stats{Since: since}
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM users),
		(SELECT count(*) FROM tasks WHERE state = 'active'),
		count(*) FILTER (WHERE status IN ('success', 'failed')),
		count(*) FILTER (WHERE status = 'failed'),
		count(*) FILTER (WHERE status = 'success' AND result->>'notification' <> '')
		FROM executions WHERE finished_at >= $1`, since).
		Scan(&st.Users, &st.ActiveTasks, &st.Runs, &st.FailedRuns, &st.NotifiedRuns)
	if err != nil {
		return st, fmt.Errorf("reading stats: %w", translate(err))
	}
	if st.Runs > 0 {
		st.FailureRate = float64(st.FailedRuns) / float64(st.Runs)
		st.NotificationRate = float64(st.NotifiedRuns) / float64(st.Runs)
	}
	return st, nil
}

func keyset(after *Cursor) (*time.Time, *uuid.UUID) {
	if after == nil {
		return nil, nil
	}
	return &after.CreatedAt, &after.ID
}

// ListUsers returns every user, newest first.
func (s *Store) ListUsers(ctx context.Context, limit int, after *Cursor) ([]User, error) {
	at, id := keyset(after)
	return queryAll(ctx, s.pool, "listing users", func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
		return u, err
	}, `SELECT id, external_id, COALESCE(email, ''), COALESCE(display_name, ''), role, created_at
		FROM users WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2))
		ORDER BY created_at DESC, id DESC LIMIT $3`, at, id, limit)
}

// ListAllTasks returns every user's tasks, newest first.
func (s *Store) ListAllTasks(ctx context.Context, limit int, after *Cursor) ([]task.Task, error) {
	at, id := keyset(after)
	return queryAll(ctx, s.pool, "listing all tasks", func(r pgx.CollectableRow) (task.Task, error) { return scanTask(r) }, `SELECT `+taskColumns+` FROM tasks
		WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2))
		ORDER BY created_at DESC, id DESC LIMIT $3`, at, id, limit)
}

// ListAllExecutions returns every user's runs, newest first, optionally of one status.
func (s *Store) ListAllExecutions(ctx context.Context, status task.Status, limit int, after *Cursor) ([]task.Execution, error) {
	at, id := keyset(after)
	return queryAll(ctx, s.pool, "listing all executions", collectExecution, `SELECT `+executionColumns+` FROM executions
		WHERE ($1 = '' OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
		ORDER BY created_at DESC, id DESC LIMIT $4`, string(status), at, id, limit)
}

// TaskOwner returns the user a task belongs to, so an admin action can act as that user.
func (s *Store) TaskOwner(ctx context.Context, taskID uuid.UUID) (uuid.UUID, error) {
	var owner uuid.UUID
	if err := s.pool.QueryRow(ctx, `SELECT user_id FROM tasks WHERE id = $1`, taskID).Scan(&owner); err != nil {
		return uuid.Nil, fmt.Errorf("reading task owner: %w", translate(err))
	}
	return owner, nil
}
