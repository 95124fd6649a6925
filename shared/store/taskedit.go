package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
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
	err := s.inTx(ctx, func(q *db.Queries) error {
		cur, err := q.GetTaskForUpdate(ctx, db.GetTaskForUpdateParams{ID: id, UserID: userID})
		if err != nil {
			return fmt.Errorf("reading task: %w", translate(err))
		}
		next, err := change(ctx, taskOf(cur))
		if err != nil {
			return err
		}
		next.ID = id
		out, err = writeTask(ctx, q, userID, next)
		return err
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("updating task: %w", err)
	}
	return out, nil
}

// writeTask writes next's mutable fields over the user's row.
func writeTask(ctx context.Context, q *db.Queries, userID uuid.UUID, next task.Task) (task.Task, error) {
	r, err := q.UpdateTask(ctx, db.UpdateTaskParams{ID: next.ID, UserID: userID, Name: next.Name,
		NameIsDefault: next.NameIsDefault, SearchQuery: next.SearchQuery,
		ConditionDescription: next.ConditionDescription, Schedule: next.Schedule, Timezone: next.Timezone,
		NotifyBehavior: next.NotifyBehavior, Depth: depthOr(next.Depth), Notifications: doc.FromNotifications(next.Notifications),
		State: next.State, StateChangedAt: next.StateChangedAt, NextRunAt: next.NextRunAt,
		NextRunCause: causeOr(next.NextRunCause), Urls: nonNil(next.URLs), Context: next.Context,
		Public: next.Public, PublicSlug: nullStr(next.PublicSlug), PublicContextOk: next.PublicContextOK, PublishedAt: next.PublishedAt})
	return taskOf(r), translate(err)
}

// DeleteTask removes the user's task with its runs and deliveries.
func (s *Store) DeleteTask(ctx context.Context, userID, id uuid.UUID) error {
	n, err := s.q.DeleteTask(ctx, db.DeleteTaskParams{ID: id, UserID: userID})
	if err != nil {
		return fmt.Errorf("deleting task: %w", translate(err))
	}
	if n == 0 {
		return fmt.Errorf("deleting task: %w", ErrNotFound)
	}
	return nil
}

// CountActiveTasks reports how many of the user's tasks are active, for the per-user cap.
func (s *Store) CountActiveTasks(ctx context.Context, userID uuid.UUID) (int, error) {
	n, err := s.q.CountActiveTasks(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("counting active tasks: %w", translate(err))
	}
	return int(n), nil
}

// CancelRuns cancels the task's unfinished runs, so a forced run can start; an attempt still
// working finds its row cancelled and its result is dropped.
func (s *Store) CancelRuns(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (int64, error) {
	n, err := s.q.CancelRuns(ctx, db.CancelRunsParams{TaskID: taskID, UserID: userID, Now: &now})
	if err != nil {
		return 0, fmt.Errorf("cancelling runs: %w", translate(err))
	}
	return n, nil
}
