package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// executionColumnsOf lists an execution's columns in scanExecution's order, qualified by alias
// (such as "e.") when the query joins other tables.
func executionColumnsOf(a string) string {
	return fmt.Sprintf(`%[1]sid, %[1]stask_id, %[1]suser_id, %[1]sscheduled_for, %[1]strigger, %[1]sstatus,
	%[1]sattempt, %[1]screated_at, %[1]sstarted_at, %[1]sfinished_at, %[1]sdeadline_at, %[1]sresult,
	COALESCE(%[1]serror, ''), COALESCE(%[1]sinternal_error, ''), COALESCE(%[1]serror_category, ''),
	%[1]smodel, %[1]sprompt_tokens, %[1]soutput_tokens, %[1]ssearch_queries, %[1]scost_usd::float8`, a)
}

var executionColumns = executionColumnsOf("")

func scanExecution(row pgx.Row) (task.Execution, error) {
	var e task.Execution
	err := row.Scan(&e.ID, &e.TaskID, &e.UserID, &e.ScheduledFor, &e.Trigger, &e.Status, &e.Attempt,
		&e.CreatedAt, &e.StartedAt, &e.FinishedAt, &e.DeadlineAt, &e.Result, &e.Error, &e.InternalError,
		&e.ErrorCategory, &e.Usage.Model, &e.Usage.PromptTokens, &e.Usage.OutputTokens,
		&e.Usage.SearchQueries, &e.Usage.CostUSD)
	return e, err
}

// collectExecution scans one row of a multi-row execution query.
func collectExecution(r pgx.CollectableRow) (task.Execution, error) { return scanExecution(r) }

// CreateManualRun records a run the user asked for, pending until the runner takes it. It
// fails with ErrConflict while another run of the task is unfinished.
func (s *Store) CreateManualRun(ctx context.Context, userID, taskID uuid.UUID) (task.Execution, error) {
	var e task.Execution
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := getTask(ctx, tx, userID, taskID, "FOR UPDATE"); err != nil {
			return err
		}
		var busy bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM executions
			WHERE task_id = $1 AND status IN ('pending', 'running', 'retrying'))`, taskID).Scan(&busy)
		if err != nil {
			return translate(err)
		}
		if busy {
			return conflict("A run of this task is in progress; wait for it to finish.")
		}
		e, err = scanExecution(tx.QueryRow(ctx, `INSERT INTO executions (task_id, user_id, trigger)
			VALUES ($1, $2, 'manual') RETURNING `+executionColumns, taskID, userID))
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
	const claimable = `(executions.status IN ('pending', 'retrying')
		OR (executions.status = 'running' AND executions.deadline_at < $4))`
	var row pgx.Row
	if p.ExecutionID != nil {
		row = s.pool.QueryRow(ctx, `UPDATE executions SET status = 'running', attempt = attempt + 1,
			started_at = $4, deadline_at = $5, error = NULL, internal_error = NULL, error_category = NULL
			WHERE id = $1 AND task_id = $2 AND user_id = $3 AND `+claimable+`
			RETURNING `+executionColumns, *p.ExecutionID, p.TaskID, p.UserID, p.Now, p.Deadline)
	} else {
		row = s.pool.QueryRow(ctx, `INSERT INTO executions
			(task_id, user_id, scheduled_for, trigger, status, attempt, started_at, deadline_at)
			SELECT $1, $2, $6, 'schedule', 'running', 1, $4, $5 FROM tasks WHERE id = $1 AND user_id = $2
			ON CONFLICT (task_id, scheduled_for) DO UPDATE SET status = 'running',
				attempt = executions.attempt + 1, started_at = $4, deadline_at = $5,
				error = NULL, internal_error = NULL, error_category = NULL
			WHERE executions.user_id = $3 AND `+claimable+`
			RETURNING `+executionColumns, p.TaskID, p.UserID, p.UserID, p.Now, p.Deadline, p.ScheduledFor)
	}
	e, err := scanExecution(row)
	if err != nil {
		err = translate(err)
		if err == ErrNotFound {
			// Either the task is gone or the run is not claimable; tell them apart.
			if _, terr := s.GetTask(ctx, p.UserID, p.TaskID); terr != nil {
				return task.Execution{}, terr
			}
			return task.Execution{}, conflict("The run is finished or in progress.")
		}
		return task.Execution{}, fmt.Errorf("starting execution: %w", err)
	}
	return e, nil
}

// GetExecution returns one of the user's executions.
func (s *Store) GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error) {
	e, err := scanExecution(s.pool.QueryRow(ctx, `SELECT `+executionColumns+
		` FROM executions WHERE id = $1 AND user_id = $2`, id, userID))
	if err != nil {
		return task.Execution{}, fmt.Errorf("reading execution: %w", translate(err))
	}
	return e, nil
}

// GetExecutions returns those of the user's executions whose ids are given.
func (s *Store) GetExecutions(ctx context.Context, userID uuid.UUID, ids []uuid.UUID) ([]task.Execution, error) {
	return queryAll(ctx, s.pool, "reading executions", collectExecution, `SELECT `+executionColumns+
		` FROM executions WHERE user_id = $1 AND id = ANY($2)`, userID, ids)
}

// ListExecutions returns a task's runs newest first. It returns ErrNotFound when the task is
// not the user's, so an empty list always means "no runs yet".
func (s *Store) ListExecutions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *Cursor) ([]task.Execution, error) {
	if _, err := s.GetTask(ctx, userID, taskID); err != nil {
		return nil, err
	}
	var afterAt *time.Time
	var afterID *uuid.UUID
	if after != nil {
		afterAt, afterID = &after.CreatedAt, &after.ID
	}
	return queryAll(ctx, s.pool, "listing executions", collectExecution, `SELECT `+executionColumns+` FROM executions
		WHERE task_id = $1 AND user_id = $2
		  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
		ORDER BY created_at DESC, id DESC LIMIT $5`, taskID, userID, afterAt, afterID, limit)
}

// RecentResults returns the results of a task's last n successful runs, newest first, for the
// agent's context.
func (s *Store) RecentResults(ctx context.Context, userID, taskID uuid.UUID, n int) ([]task.Result, error) {
	return queryAll(ctx, s.pool, "reading recent results", pgx.RowTo[task.Result], `SELECT result FROM executions
		WHERE task_id = $1 AND user_id = $2 AND status = 'success' AND result IS NOT NULL
		ORDER BY finished_at DESC LIMIT $3`, taskID, userID, n)
}
