package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
)

// CreateManualRun records a run the user asked for, pending until the runner takes it. It
// fails with ErrConflict while another run of the task is unfinished.
func (s *Store) CreateManualRun(ctx context.Context, userID, taskID uuid.UUID) (task.Execution, error) {
	var e task.Execution
	err := s.inTx(ctx, func(q *db.Queries) error {
		if _, err := q.GetTaskForUpdate(ctx, db.GetTaskForUpdateParams{ID: taskID, UserID: userID}); err != nil {
			return fmt.Errorf("reading task: %w", translate(err))
		}
		busy, err := q.ActiveRunExists(ctx, taskID)
		if err != nil {
			return translate(err)
		}
		if busy {
			return conflict("A run of this task is in progress; wait for it to finish.")
		}
		r, err := q.InsertManualRun(ctx, db.InsertManualRunParams{TaskID: taskID, UserID: userID})
		e = executionOf(r)
		return translate(err)
	})
	if err != nil {
		return task.Execution{}, fmt.Errorf("creating manual run: %w", err)
	}
	return e, nil
}

// StartRun is what the runner knows when it takes a run.
type StartRun struct {
	UserID       uuid.UUID
	TaskID       uuid.UUID
	ExecutionID  *uuid.UUID // a manual run, created earlier
	ScheduledFor *time.Time // a scheduled fire; the execution is created on first delivery
	Now          time.Time
	Deadline     time.Time // when this attempt is presumed dead
}

// StartExecution moves the run to running and returns it with its new attempt number. It
// returns ErrConflict when the run is finished or another attempt is alive: a repeated or late
// trigger then does nothing.
func (s *Store) StartExecution(ctx context.Context, p StartRun) (task.Execution, error) {
	var r db.Execution
	var err error
	if p.ExecutionID != nil {
		r, err = s.q.StartManualRun(ctx, db.StartManualRunParams{ID: *p.ExecutionID, TaskID: p.TaskID, UserID: p.UserID,
			Now: &p.Now, Deadline: &p.Deadline})
	} else {
		r, err = s.q.StartScheduledRun(ctx, db.StartScheduledRunParams{TaskID: p.TaskID, UserID: p.UserID,
			ScheduledFor: p.ScheduledFor, Now: &p.Now, Deadline: &p.Deadline})
	}
	if err != nil {
		err = translate(err)
		if errors.Is(err, ErrNotFound) {
			// Either the task is gone or the run is not claimable; tell them apart.
			if _, terr := s.GetTask(ctx, p.UserID, p.TaskID); terr != nil {
				return task.Execution{}, terr
			}
			return task.Execution{}, conflict("The run is finished or in progress.")
		}
		return task.Execution{}, fmt.Errorf("starting execution: %w", err)
	}
	return executionOf(r), nil
}

// GetExecution returns one of the user's executions.
func (s *Store) GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error) {
	r, err := s.q.GetExecution(ctx, db.GetExecutionParams{ID: id, UserID: userID})
	if err != nil {
		return task.Execution{}, fmt.Errorf("reading execution: %w", translate(err))
	}
	return executionOf(r), nil
}

// GetExecutions returns those of the user's executions whose ids are given.
func (s *Store) GetExecutions(ctx context.Context, userID uuid.UUID, ids []uuid.UUID) ([]task.Execution, error) {
	rows, err := s.q.GetExecutions(ctx, db.GetExecutionsParams{UserID: userID, Ids: ids})
	return mapAll(rows, err, "reading executions", executionOf)
}

// ListExecutions returns a task's runs newest first. It returns ErrNotFound when the task is
// not the user's, so an empty list always means "no runs yet".
func (s *Store) ListExecutions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *Cursor) ([]task.Execution, error) {
	if _, err := s.GetTask(ctx, userID, taskID); err != nil {
		return nil, err
	}
	at, id := keyset(after)
	rows, err := s.q.ListExecutions(ctx, db.ListExecutionsParams{TaskID: taskID, UserID: userID, AfterAt: at,
		AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing executions", executionOf)
}

// RecentResults returns the results of a task's last n successful runs, newest first, for the
// agent's context.
func (s *Store) RecentResults(ctx context.Context, userID, taskID uuid.UUID, n int) ([]task.Result, error) {
	rows, err := s.q.RecentResults(ctx, db.RecentResultsParams{TaskID: taskID, UserID: userID, MaxRows: int32(n)})
	return mapAll(rows, err, "reading recent results", func(r *doc.Result) task.Result { return *r.Task() })
}
