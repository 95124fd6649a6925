package schedule

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// GateStore is what the gate reads.
type GateStore interface {
	// GetTaskRunAlive reads the task, whether the run a message names is alive (a job's
	// message names none: its fire is FireOf the task), and what the run reads besides the
	// task (task.RunReads), in one round trip.
	GetTaskRunAlive(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, scheduledFor *time.Time, now time.Time) (task.Task, bool, error)
}

// RunFunc runs one trigger of task t, read by the gate so the runner need not read it again;
// runner.Runner's HandleTask is the real one.
type RunFunc func(ctx context.Context, m event.RunTask, t task.Task) error

// ErrBusy is returned for a trigger whose run has a live attempt elsewhere: it is redelivered
// later, and runs then if that attempt died without an outcome.
var ErrBusy = errors.New("an attempt of this run is in progress")

// Gate stands between a run-task message and the runner. It names the fire of a message from a
// Cloud Scheduler job, which cannot carry one, and holds back a message whose run is alive in
// another process, so that Pub/Sub brings it back instead of the message being acked and the
// run lost if that process dies.
type Gate struct {
	store GateStore
	run   RunFunc
	now   func() time.Time
	log   *slog.Logger
}

// NewGate returns a gate in front of run; now is the clock.
func NewGate(s GateStore, run RunFunc, now func() time.Time, log *slog.Logger) *Gate {
	return &Gate{store: s, run: run, now: now, log: log}
}

// FireOf is the fire a job's message stands for: the task's next run, truncated to the minute
// (jobs fire on whole minutes, and a one-off job fires at the minute after a next run with
// seconds). A redelivery, or a second fire of the same job before the run ends, reads the same
// next_run_at and so claims the same execution row; once a run ends it has moved next_run_at,
// and a late copy finds the task not due. It is nil when the task has no next run.
func FireOf(t task.Task) *time.Time {
	if t.NextRunAt == nil {
		return nil
	}
	at := t.NextRunAt.UTC().Truncate(time.Minute)
	return &at
}

// HandleMessage decodes a run-task message and hands it to the runner: nil acks it, an error
// has it delivered again.
func (g *Gate) HandleMessage(ctx context.Context, data []byte) error {
	m, err := event.DecodeRunTask(data)
	if err != nil {
		g.log.ErrorContext(ctx, "dropping run-task message", slog.String("error", err.Error()))
		return nil
	}
	return g.Handle(ctx, m)
}

// Handle resolves m's fire when it has none, holds it back while its run is alive elsewhere,
// and runs it. It reads the task once, with the live-run check and the run's other reads in
// the same statement (a burst of due tasks is dispatched as fast as each run's statements
// allow: bench/dispatch), and hands it to the runner, which checks state and due time on it and
// claims the run in the database.
func (g *Gate) Handle(ctx context.Context, m event.RunTask) error {
	log := g.log.With(slog.String("task_id", m.TaskID.String()))
	// A job's message names no fire; the statement checks the fire FireOf names, from the same
	// row.
	t, alive, err := g.store.GetTaskRunAlive(ctx, m.UserID, m.TaskID, m.ExecutionID, m.ScheduledFor, g.now())
	if errors.Is(err, store.ErrNotFound) {
		log.InfoContext(ctx, "task is gone; ignoring its message")
		return nil
	}
	if err != nil {
		return err
	}
	if m.ExecutionID == nil && m.ScheduledFor == nil {
		if m.ScheduledFor = FireOf(t); m.ScheduledFor == nil {
			log.InfoContext(ctx, "task has no next run; ignoring its job's message", slog.String("state", string(t.State)))
			return nil
		}
	}
	if alive {
		log.InfoContext(ctx, "run is in progress elsewhere; asking for redelivery")
		return ErrBusy
	}
	return g.run(ctx, m, t)
}
