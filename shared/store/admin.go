package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// The methods in this file read across users. Only the admin API calls them.

// Stats are the platform's vital signs over a window.
type Stats struct {
	Users            int
	ActiveTasks      int
	Runs             int
	FailedRuns       int
	FailureRate      float64
	NotifiedRuns     int
	NotificationRate float64
	Since            time.Time
}

// PlatformStats counts users, active tasks, and finished runs since the given time.
func (s *Store) PlatformStats(ctx context.Context, since time.Time) (Stats, error) {
	r, err := s.q.PlatformStats(ctx, since)
	if err != nil {
		return Stats{Since: since}, fmt.Errorf("reading stats: %w", translate(err))
	}
	st := Stats{Users: r.Users, ActiveTasks: r.ActiveTasks, Runs: r.Runs, FailedRuns: r.FailedRuns,
		NotifiedRuns: r.NotifiedRuns, Since: since}
	if st.Runs > 0 {
		st.FailureRate = float64(st.FailedRuns) / float64(st.Runs)
		st.NotificationRate = float64(st.NotifiedRuns) / float64(st.Runs)
	}
	return st, nil
}

// ListUsers returns every user, newest first.
func (s *Store) ListUsers(ctx context.Context, limit int, after *Cursor) ([]User, error) {
	at, id := keyset(after)
	rows, err := s.q.ListUsers(ctx, db.ListUsersParams{AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing users", userOf)
}

// ListAllTasks returns every user's tasks, newest first.
func (s *Store) ListAllTasks(ctx context.Context, limit int, after *Cursor) ([]task.Task, error) {
	at, id := keyset(after)
	rows, err := s.q.ListAllTasks(ctx, db.ListAllTasksParams{AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing all tasks", taskOf)
}

// ListAllExecutions returns every user's runs, newest first, optionally of one status.
func (s *Store) ListAllExecutions(ctx context.Context, status task.Status, limit int, after *Cursor) ([]task.Execution, error) {
	at, id := keyset(after)
	rows, err := s.q.ListAllExecutions(ctx, db.ListAllExecutionsParams{Status: string(status), AfterAt: at, AfterID: id,
		MaxRows: int32(limit)})
	return mapAll(rows, err, "listing all executions", executionOf)
}

// TaskOwner returns the user a task belongs to, so an admin action can act as that user.
func (s *Store) TaskOwner(ctx context.Context, taskID uuid.UUID) (uuid.UUID, error) {
	owner, err := s.q.TaskOwner(ctx, taskID)
	if err != nil {
		return uuid.Nil, fmt.Errorf("reading task owner: %w", translate(err))
	}
	return owner, nil
}
