package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
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
	// SilenceReason is why a successful run that notifies nobody stayed silent. A failed run is
	// task.SilenceFailed, or task.SilenceSpendCap when the spend cap held it back, and one that notifies or will be retried has none, whatever is
	// set here; a silent success without a known reason is task.SilenceNothingNew.
	SilenceReason task.SilenceReason

	// NextRunAt replaces the task's next run unless the task was edited after TaskVersion (its
	// updated_at when the run began): an edit has already set the right one.
	NextRunAt *time.Time
	// NextRunCause is what decided NextRunAt, stored with it (empty: the schedule).
	NextRunCause task.NextRunCause
	TaskVersion  time.Time
	// Notify lists the channels to write outbox rows for.
	Notify []task.Notification
	// Complete ends an active task (notify once, after its notification is recorded).
	Complete bool
	// Topic renames a task still on its derived name.
	Topic string
	// Steps are the attempt's trail, appended to the run's (each stamped with Attempt);
	// Findings what its decision saw, kept once per content (see writeTrail).
	Steps    []task.Step
	Findings []task.Finding
}

// FinishExecution records o. It returns the outbox rows it wrote, or ErrConflict when the
// attempt was superseded (reaped, cancelled or retried elsewhere): its result is then dropped.
func (s *Store) FinishExecution(ctx context.Context, o Outcome) ([]task.Delivery, error) {
	var p pipeline
	q := db.New(&p)
	if err := queueFinish(ctx, q, o); err != nil {
		return nil, fmt.Errorf("finishing execution: %w", err)
	}
	var deliveries []task.Delivery
	var err error
	if len(o.Notify) == 0 || o.Status == task.StatusRetrying {
		// Most runs notify nobody: their finish is one round trip, the batch its own transaction.
		err = p.send(ctx, s.pool)
	} else {
		// The deliveries read what they insert, so they follow the batch in a transaction.
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if err := p.send(ctx, tx); err != nil {
				return err
			}
			var err error
			deliveries, err = insertDeliveries(ctx, s.q.WithTx(tx), o)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("finishing execution: %w", err)
	}
	return deliveries, nil
}

// queueFinish queues o's writes on q's pipeline: the execution's row (which fails the batch with
// a conflict when the attempt is no longer running), its cost, its trail, and its task's next
// run and state.
func queueFinish(ctx context.Context, q *db.Queries, o Outcome) error {
	var finished *time.Time
	if o.Status.Final() {
		finished = &o.Now
	}
	if err := q.FinishExecution(ctx, db.FinishExecutionParams{ID: o.ExecutionID, UserID: o.UserID, Attempt: o.Attempt,
		Status: o.Status, FinishedAt: finished, Result: doc.FromResult(o.Result), Error: o.Error,
		InternalError: o.InternalError, ErrorCategory: string(o.Category), SilenceReason: string(silenceOf(o)), Model: o.Usage.Model,
		PromptTokens: o.Usage.PromptTokens, OutputTokens: o.Usage.OutputTokens,
		SearchQueries: o.Usage.SearchQueries, CostUsd: o.Usage.CostUSD, RetryBy: o.RetryBy}); err != nil {
		return err
	}
	if err := addSpend(ctx, q, o); err != nil {
		return err
	}
	if err := writeTrail(ctx, q, o); err != nil {
		return err
	}
	if o.Status == task.StatusRetrying {
		return q.MarkRetrying(ctx, db.MarkRetryingParams{TaskID: o.TaskID, UserID: o.UserID})
	}
	return q.AdvanceTask(ctx, db.AdvanceTaskParams{TaskID: o.TaskID, UserID: o.UserID, Now: &o.Now,
		ExecutionID: &o.ExecutionID, NextRunAt: o.NextRunAt, NextRunCause: string(causeOr(o.NextRunCause)), TaskVersion: o.TaskVersion, Complete: o.Complete,
		Topic: o.Topic})
}

// silenceOf is the reason o's run records for notifying nobody.
func silenceOf(o Outcome) task.SilenceReason {
	switch {
	case o.Status == task.StatusFailed && o.SilenceReason == task.SilenceSpendCap:
		return task.SilenceSpendCap // held back by the spend cap: it never ran
	case o.Status == task.StatusFailed:
		return task.SilenceFailed
	case o.Status != task.StatusSuccess || o.Result.Notifies():
		return ""
	case o.SilenceReason.Valid():
		return o.SilenceReason
	}
	// An agent that gave no reason (or one this build does not know) found nothing to tell.
	return task.SilenceNothingNew
}

func insertDeliveries(ctx context.Context, q *db.Queries, o Outcome) ([]task.Delivery, error) {
	targets, err := deliveryTargets(ctx, q, o)
	if err != nil {
		return nil, err
	}
	var out []task.Delivery
	for _, t := range targets {
		r, err := q.InsertDelivery(ctx, db.InsertDeliveryParams{ExecutionID: &o.ExecutionID, TaskID: o.TaskID,
			UserID: o.UserID, Channel: t.Type, Target: t.Address, Now: o.Now})
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, deliveryOf(r))
	}
	return out, nil
}

// deliveryTargets is one outbox row's channel and target per place o notifies. A "channel"
// notification without an id becomes one row per channel the user marks as a default now (one
// with an empty target when none is, whose delivery fails saying so), and a channel named
// twice, by id and as a default, is told once.
func deliveryTargets(ctx context.Context, q *db.Queries, o Outcome) ([]task.Notification, error) {
	var out []task.Notification
	seen := map[string]bool{}
	for _, n := range o.Notify {
		switch n.Type {
		case task.ChannelWebhook:
			out = append(out, task.Notification{Type: n.Type, Address: n.URL})
		case task.ChannelChat:
			ids := []string{n.ChannelID}
			if n.ChannelID == "" {
				defaults, err := q.DefaultChannelIDs(ctx, o.UserID)
				if err != nil {
					return nil, translate(err)
				}
				if len(defaults) > 0 {
					ids = ids[:0]
				}
				for _, id := range defaults {
					ids = append(ids, id.String())
				}
			}
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					out = append(out, task.Notification{Type: n.Type, Address: id})
				}
			}
		default:
			out = append(out, task.Notification{Type: n.Type, Address: n.Address})
		}
	}
	return out, nil
}

// ReapExecutions fails runs that stopped without an outcome: running past their deadline, or
// waiting for a retry that never came. Their tasks keep their schedules. It returns how many
// runs it failed.
func (s *Store) ReapExecutions(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.q.ReapExecutions(ctx, &now)
	if err != nil {
		return 0, fmt.Errorf("reaping executions: %w", translate(err))
	}
	return n, nil
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
	rows, err := s.q.PendingRuns(ctx, int32(limit))
	return mapAll(rows, err, "listing pending runs", func(r db.PendingRunsRow) PendingRun {
		return PendingRun{ExecutionID: r.ID, TaskID: r.TaskID, UserID: r.UserID, ScheduledFor: r.ScheduledFor}
	})
}
