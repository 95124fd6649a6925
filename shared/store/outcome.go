package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/task"
)

// Outcome is how a run attempt ended and what follows from it, written in one transaction:
// the execution, the task's next run and state, and the notification outbox rows.
type Outcome struct {
	ExecutionID uuid.UUID
	UserID      uuid.UUID
	TaskID      uuid.UUID
	Attempt     int // the attempt that produced this outcome; a newer one wins
	Now         time.Time

	Status        task.Status // success, retrying or failed
	Result        *task.Result
	Usage         task.Usage
	Error         string // safe to show the user
	InternalError string
	Category      task.ErrorCategory
	RetryBy       *time.Time // for retrying: when the retry must have started, or be reaped

	// NextRunAt replaces the task's next run unless the task was edited after TaskVersion (its
	// updated_at when the run began): an edit has already set the right one.
	NextRunAt   *time.Time
	TaskVersion time.Time
	// Notify lists the channels to write outbox rows for.
	Notify []task.Notification
	// Complete ends an active task (notify once, after its notification is recorded).
	Complete bool
	// Topic renames a task still on its derived name.
	Topic string
}

// FinishExecution records o. It returns the outbox rows it wrote, or ErrConflict when the
// attempt was superseded (reaped, cancelled or retried elsewhere): its result is then dropped.
func (s *Store) FinishExecution(ctx context.Context, o Outcome) ([]task.Delivery, error) {
	var deliveries []task.Delivery
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := finishExecutionRow(ctx, tx, o); err != nil {
			return err
		}
		if o.Status == task.StatusRetrying {
			return nil
		}
		if err := advanceTask(ctx, tx, o); err != nil {
			return err
		}
		var err error
		deliveries, err = insertDeliveries(ctx, tx, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finishing execution: %w", err)
	}
	return deliveries, nil
}

func finishExecutionRow(ctx context.Context, tx pgx.Tx, o Outcome) error {
	var finished *time.Time
	if o.Status.Final() {
		finished = &o.Now
	}
	tag, err := tx.Exec(ctx, `UPDATE executions SET status = $4, finished_at = $5, result = $6,
		error = NULLIF($7, ''), internal_error = NULLIF($8, ''), error_category = NULLIF($9, ''),
		model = $10, prompt_tokens = prompt_tokens + $11, output_tokens = output_tokens + $12,
		search_queries = search_queries + $13, cost_usd = cost_usd + $14,
		deadline_at = COALESCE($15, deadline_at)
		WHERE id = $1 AND user_id = $2 AND attempt = $3 AND status = 'running'`,
		o.ExecutionID, o.UserID, o.Attempt, o.Status, finished, o.Result, o.Error,
		o.InternalError, string(o.Category), o.Usage.Model, o.Usage.PromptTokens,
		o.Usage.OutputTokens, o.Usage.SearchQueries, o.Usage.CostUSD, o.RetryBy)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return conflict(fmt.Sprintf("Attempt %d is no longer running.", o.Attempt))
	}
	return nil
}

func advanceTask(ctx context.Context, tx pgx.Tx, o Outcome) error {
	_, err := tx.Exec(ctx, `UPDATE tasks SET
		last_run_at = $3, last_execution_id = $4,
		next_run_at = CASE WHEN $5::timestamptz IS NOT NULL AND updated_at = $6 THEN $5 ELSE next_run_at END,
		state = CASE WHEN $7 AND state = 'active' THEN 'completed' ELSE state END,
		state_changed_at = CASE WHEN $7 AND state = 'active' THEN $3 ELSE state_changed_at END,
		name = CASE WHEN name_is_default AND $8 <> '' THEN left($8, 200) ELSE name END
		WHERE id = $1 AND user_id = $2`,
		o.TaskID, o.UserID, o.Now, o.ExecutionID, o.NextRunAt, o.TaskVersion, o.Complete, o.Topic)
	return translate(err)
}

const deliveryColumns = `id, execution_id, task_id, user_id, channel, target, status, attempts,
	next_attempt_at, COALESCE(last_error, ''), created_at, delivered_at`

func scanDelivery(row pgx.Row) (task.Delivery, error) {
	var d task.Delivery
	err := row.Scan(&d.ID, &d.ExecutionID, &d.TaskID, &d.UserID, &d.Channel, &d.Target, &d.Status,
		&d.Attempts, &d.NextAttemptAt, &d.LastError, &d.CreatedAt, &d.DeliveredAt)
	return d, err
}

func insertDeliveries(ctx context.Context, tx pgx.Tx, o Outcome) ([]task.Delivery, error) {
	var out []task.Delivery
	for _, n := range o.Notify {
		target := n.Address
		if n.Type == task.ChannelWebhook {
			target = n.URL
		}
		d, err := scanDelivery(tx.QueryRow(ctx, `INSERT INTO notification_deliveries
			(execution_id, task_id, user_id, channel, target, next_attempt_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+deliveryColumns,
			o.ExecutionID, o.TaskID, o.UserID, n.Type, target, o.Now))
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, nil
}

// ReapExecutions fails runs that stopped without an outcome: running past their deadline, or
// waiting for a retry that never came. Their tasks keep their schedules. It returns how many
// runs it failed.
func (s *Store) ReapExecutions(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE executions SET status = 'failed', finished_at = $1,
		error = 'The run stopped before it finished and was given up; the task keeps its schedule.',
		internal_error = 'reaped: ' || status || ' past deadline', error_category = 'system'
		WHERE status IN ('running', 'retrying') AND deadline_at < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("reaping executions: %w", translate(err))
	}
	return tag.RowsAffected(), nil
}

// PendingRun identifies a run that waits for the runner.
type PendingRun struct {
	ExecutionID  uuid.UUID
	TaskID       uuid.UUID
	UserID       uuid.UUID
	ScheduledFor *time.Time
}

// PendingRuns lists runs nobody is working on (pending, or retrying) so they can be triggered
// again after a restart.
func (s *Store) PendingRuns(ctx context.Context, limit int) ([]PendingRun, error) {
	return queryAll(ctx, s.pool, "listing pending runs", func(r pgx.CollectableRow) (PendingRun, error) {
		var p PendingRun
		err := r.Scan(&p.ExecutionID, &p.TaskID, &p.UserID, &p.ScheduledFor)
		return p, err
	}, `SELECT id, task_id, user_id, scheduled_for FROM executions
		WHERE status IN ('pending', 'retrying') ORDER BY created_at LIMIT $1`, limit)
}
