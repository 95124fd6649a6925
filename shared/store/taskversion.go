package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// The methods in this file let a task change call Cloud Scheduler without holding a
// transaction (and so a row lock and a pool connection) across the network: read the task and
// its Version, do the network work, then write only if the row is still at that Version.

// Version names one stored version of a task row, for an optimistic write. It is the row's
// xmin, which every write changes, not updated_at: the runner, the sweep's claim, reconcile's
// repairs and unsubscribing leave updated_at alone on purpose, and an edit read before one of
// them must not write back the next run, state or notifications they changed.
type Version string

// ErrStale means the task changed (or went) since the Version the caller read: read it again.
var ErrStale = errors.New("task changed since it was read")

// ActiveCapError says a write would give the user more active tasks than allowed; Active is
// how many they have.
type ActiveCapError struct{ Active int }

func (e *ActiveCapError) Error() string {
	return fmt.Sprintf("%d active tasks, the most allowed", e.Active)
}

// GetTaskVersion returns the user's task with its Version, or ErrNotFound.
func (s *Store) GetTaskVersion(ctx context.Context, userID, id uuid.UUID) (task.Task, Version, error) {
	r, err := s.q.GetTaskVersion(ctx, db.GetTaskVersionParams{ID: id, UserID: userID})
	if err != nil {
		return task.Task{}, "", fmt.Errorf("reading task: %w", translate(err))
	}
	return taskOf(r.Task), Version(r.Version), nil
}

// CreateTaskCapped stores n under id (chosen by the caller, so that the task's trigger can be
// made before the row exists). An active n is refused with *ActiveCapError when the user
// already has maxActive active tasks; the count and the insert are one step per user.
func (s *Store) CreateTaskCapped(ctx context.Context, id uuid.UUID, n NewTask, maxActive int) (task.Task, error) {
	var t task.Task
	err := s.inTx(ctx, func(q *db.Queries) error {
		if n.State == task.StateActive {
			if err := checkActiveCap(ctx, q, n.UserID, id, maxActive); err != nil {
				return err
			}
		}
		var err error
		t, err = insertTask(ctx, q, id, n)
		return err
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("creating task: %w", err)
	}
	return t, nil
}

// SaveTask writes next over the user's task if the row is still at v, else returns ErrStale.
// A write that makes the task active is refused with *ActiveCapError when the user already
// has maxActive other active tasks. The mutable fields are those UpdateTask writes.
func (s *Store) SaveTask(ctx context.Context, userID uuid.UUID, next task.Task, v Version, maxActive int) (task.Task, error) {
	var out task.Task
	err := s.inTx(ctx, func(q *db.Queries) error {
		if next.State == task.StateActive {
			if err := q.LockUserTasks(ctx, userID); err != nil {
				return translate(err)
			}
		}
		state, err := q.TaskStateAtVersion(ctx, db.TaskStateAtVersionParams{ID: next.ID, UserID: userID, Version: string(v)})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrStale
		}
		if err != nil {
			return translate(err)
		}
		if next.State == task.StateActive && state != task.StateActive {
			if err := countActiveCap(ctx, q, userID, next.ID, maxActive); err != nil {
				return err
			}
		}
		out, err = writeTask(ctx, q, userID, next)
		return err
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("saving task: %w", err)
	}
	return out, nil
}

// DeleteTaskVersion removes the user's task, with its runs and deliveries, if the row is still
// at v; else it returns ErrStale.
func (s *Store) DeleteTaskVersion(ctx context.Context, userID, id uuid.UUID, v Version) error {
	n, err := s.q.DeleteTaskAtVersion(ctx, db.DeleteTaskAtVersionParams{ID: id, UserID: userID, Version: string(v)})
	if err != nil {
		return fmt.Errorf("deleting task: %w", translate(err))
	}
	if n == 0 {
		return fmt.Errorf("deleting task: %w", ErrStale)
	}
	return nil
}

// checkActiveCap takes the user's cap lock (LockUserTasks in queries/tasks.sql) and refuses
// when the user has maxActive active tasks besides id.
//
// The lock serializes, per user, the writes that may add an active task, so that the count
// after it and the write after that act as one step: twenty concurrent creates at the cap less
// one let exactly one through. It locks the user's row FOR NO KEY UPDATE rather than taking an
// advisory lock: the key is exactly the user (no hash of a uuid to collide), and NO KEY still
// lets rows that reference the user be written meanwhile (their foreign-key checks take KEY
// SHARE). Under READ COMMITTED the count that follows takes a fresh snapshot, so it sees every
// task the lock's previous holder committed.
func checkActiveCap(ctx context.Context, q *db.Queries, userID, id uuid.UUID, maxActive int) error {
	if err := q.LockUserTasks(ctx, userID); err != nil {
		return translate(err)
	}
	return countActiveCap(ctx, q, userID, id, maxActive)
}

func countActiveCap(ctx context.Context, q *db.Queries, userID, id uuid.UUID, maxActive int) error {
	if maxActive <= 0 {
		return nil
	}
	n, err := q.CountOtherActiveTasks(ctx, db.CountOtherActiveTasksParams{UserID: userID, ID: id})
	if err != nil {
		return translate(err)
	}
	if int(n) >= maxActive {
		return &ActiveCapError{Active: int(n)}
	}
	return nil
}
