package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Kind is what sort of run an attempt is; its deadline follows from it.
type Kind string

// The kinds of run.
const (
	// KindRoutine is a run of one grounded search and one decision, inside one agent call.
	KindRoutine Kind = "routine"
	// KindDeep is a run of several searches that refine each other, then a decision, inside one
	// agent call bounded by Config.DeepTimeout; the deep-run worker runs it.
	KindDeep Kind = "deep"
)

// KindOf is the kind of t's runs. A change-mode watch reads its pages with no model, so its
// runs are routine whatever its depth: they never go to the deep-run worker.
func KindOf(t task.Task) Kind {
	if t.Depth == task.DepthDeep && t.Mode != task.ModeChange {
		return KindDeep
	}
	return KindRoutine
}

// agentTimeout bounds the agent call of a run of kind k.
func (c Config) agentTimeout(k Kind) time.Duration {
	c = c.withDefaults()
	if k == KindDeep {
		return c.DeepTimeout
	}
	return c.AgentTimeout
}

// deadlineMargin is how long past its agent call an attempt may take to record its outcome
// before it is presumed dead.
const deadlineMargin = time.Minute

// Deadline is how long an attempt of kind k may run before it is presumed dead and reaped: the
// one place a run's deadline is decided, so the runner that sets it and any check of it agree.
func (c Config) Deadline(k Kind) time.Duration {
	// A kind this build does not know is given the routine deadline.
	return c.agentTimeout(k) + deadlineMargin
}

// ReapStore is the database side of reaping and recovery.
type ReapStore interface {
	ReapRuns(ctx context.Context, r store.Reap) ([]store.Reaped, error)
	PendingRuns(ctx context.Context, limit int) ([]store.PendingRun, error)
}

// Reaper takes back runs whose attempt died and triggers their retries at once. The sweep calls
// it on every pass (torale dev every second, the tick every minute), so no run stays running
// much past its deadline while a process is up, whatever the reconcile interval.
type Reaper struct {
	store ReapStore
	pub   event.Publisher
	now   func() time.Time
	log   *slog.Logger
	cfg   Config
}

// NewReaper returns a reaper retrying runs as a runner with cfg would (its MaxAttempts and
// RetryWithin); now is the clock.
func NewReaper(s ReapStore, pub event.Publisher, now func() time.Time, log *slog.Logger, cfg Config) *Reaper {
	return &Reaper{store: s, pub: pub, now: now, log: log, cfg: cfg.withDefaults()}
}

// Reap takes back runs running past their deadline and returns how many it took back; those
// with attempts left are triggered again under the same execution.
func (r *Reaper) Reap(ctx context.Context) (int, error) {
	reaped, _, err := r.reap(ctx, nil)
	return reaped, err
}

// reap takes back stuck runs (and, with startedBefore, every run started before it) and
// triggers their retries. It returns how many it took back and how many it re-triggered.
func (r *Reaper) reap(ctx context.Context, startedBefore *time.Time) (reaped, retried int, err error) {
	now := r.now()
	runs, err := r.store.ReapRuns(ctx, store.Reap{Now: now, MaxAttempts: r.cfg.MaxAttempts,
		RetryBy: now.Add(r.cfg.RetryWithin), StartedBefore: startedBefore})
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, run := range runs {
		if !run.Retry {
			r.givenUp(ctx, run.PendingRun)
			continue
		}
		if err := retrigger(ctx, r.pub, run.PendingRun); err != nil {
			// The run is retrying in the database; reconcile triggers it again.
			errs = append(errs, err)
			continue
		}
		retried++
	}
	if len(runs) > 0 {
		r.log.InfoContext(ctx, "reaped runs whose attempt died", slog.Int("reaped", len(runs)), slog.Int("retried", retried))
	}
	return len(runs), retried, errors.Join(errs...)
}

// retrigger publishes the trigger of a run that waits for the runner: its fire for a scheduled
// run, its id for a manual one.
func retrigger(ctx context.Context, pub event.Publisher, p store.PendingRun) error {
	m := event.RunTask{Version: event.Version, TaskID: p.TaskID, UserID: p.UserID, ScheduledFor: p.ScheduledFor}
	if p.ScheduledFor == nil {
		m.ExecutionID = &p.ExecutionID
	}
	if err := event.PublishJSON(ctx, pub, event.TopicRunTask, m); err != nil {
		return fmt.Errorf("re-triggering run %s: %w", p.ExecutionID, err)
	}
	return nil
}

// givenUp tells the alerts (Config.Alerts) of a run the reap failed for good: it counts toward
// its task's streak of failures like any failed run. Only logged when it goes wrong.
func (r *Reaper) givenUp(ctx context.Context, p store.PendingRun) {
	tasks, ok := r.store.(interface {
		GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	})
	if r.cfg.Alerts == nil || !ok {
		return
	}
	t, err := tasks.GetTask(ctx, p.UserID, p.TaskID)
	if err != nil {
		r.log.WarnContext(ctx, "reading a reaped run's task for its alerts", slog.String("task_id", p.TaskID.String()), slog.String("error", err.Error()))
		return
	}
	r.cfg.Alerts.RunFinished(ctx, t, task.StatusFailed, "The run stopped before it finished and was given up.")
}
