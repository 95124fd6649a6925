// Package reconcile makes the world match the database, which is the source of truth: it
// creates missing Cloud Scheduler jobs, deletes orphaned ones and fixes their schedules and
// paused states; fails runs stuck past their deadline and moves their tasks on; re-triggers runs
// and overdue tasks whose trigger was lost; and republishes notifications whose message never
// went out. Every step is idempotent, so running it often, or twice at once, is harmless.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of a pass.
type Store interface {
	ReapExecutions(ctx context.Context, now time.Time) (int64, error)
	PendingRuns(ctx context.Context, limit int) ([]store.PendingRun, error)
	StaleNextRuns(ctx context.Context, now time.Time, limit int) ([]task.Task, error)
	MoveNextRun(ctx context.Context, userID, taskID uuid.UUID, from, to time.Time) (bool, error)
	OverdueTasks(ctx context.Context, before time.Time, limit int) ([]store.Overdue, error)
	UnpublishedDeliveries(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error)
	MarkPublished(ctx context.Context, ids []uuid.UUID, at time.Time) error
	TasksWithJobs(ctx context.Context) ([]task.Task, error)
	TryReconcileLock(ctx context.Context) (release func(), ok bool, err error)
}

// Jobs is the Cloud Scheduler side; *schedule.CloudScheduler is the real one.
type Jobs interface {
	Jobs(ctx context.Context) (map[string]*schedulerpb.Job, error)
	Spec(t task.Task) (*schedule.JobSpec, error)
	JobName(id uuid.UUID) string
	Topic() string
	Apply(ctx context.Context, spec *schedule.JobSpec, job *schedulerpb.Job, name string) ([]schedule.Drift, error)
	Resync(ctx context.Context, userID, taskID uuid.UUID) error
}

// Config tunes a Reconciler; zero fields take the defaults.
type Config struct {
	// Rules are the scheduling limits a repaired next run follows (default task.DefaultRules()).
	Rules task.Rules
	// OrphanGrace spares jobs written this recently from deletion as orphans: their task's
	// transaction may not have committed yet (default 2 min).
	OrphanGrace time.Duration
	// OverdueAfter is how late an active task may be, with no run under way, before its lost
	// trigger is replaced (default 5 min; Cloud Scheduler mode only: the sweep claims its own).
	OverdueAfter time.Duration
	// OutboxGrace is how long an outbox row may wait for its runner's notify message before it
	// is published here (default 2 min).
	OutboxGrace time.Duration
	// Batch bounds the rows each step takes per pass (default 1000).
	Batch int
}

func (c Config) withDefaults() Config {
	if c.Rules == (task.Rules{}) {
		c.Rules = task.DefaultRules()
	}
	if c.OrphanGrace <= 0 {
		c.OrphanGrace = 2 * time.Minute
	}
	if c.OverdueAfter <= 0 {
		c.OverdueAfter = 5 * time.Minute
	}
	if c.OutboxGrace <= 0 {
		c.OutboxGrace = 2 * time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 1000
	}
	return c
}

// Reconciler runs reconcile passes. It is safe for concurrent use; passes do not overlap.
type Reconciler struct {
	store Store
	jobs  Jobs // nil in sweep mode
	pub   event.Publisher
	now   func() time.Time
	log   *slog.Logger
	cfg   Config
}

// New returns a reconciler. jobs is nil in sweep mode, where there are no jobs to keep.
func New(s Store, jobs Jobs, pub event.Publisher, now func() time.Time, log *slog.Logger, cfg Config) *Reconciler {
	return &Reconciler{store: s, jobs: jobs, pub: pub, now: now, log: log, cfg: cfg.withDefaults()}
}

// JobCounts says what a pass did to jobs.
type JobCounts struct {
	Checked int
	Created int
	Updated int
	Paused  int
	Resumed int
	Deleted int
}

// Report is what one pass found and did.
type Report struct {
	Mode       string // "cloudscheduler" or "sweep"
	StartedAt  time.Time
	FinishedAt time.Time
	// Jobs is nil in sweep mode.
	Jobs *JobCounts
	// RunsFailed counts runs stuck past their deadline, now failed.
	RunsFailed int64
	// NextRunsRepaired counts tasks whose due fire had already run, moved to their next fire.
	NextRunsRepaired int
	// RunsRetriggered counts pending or retrying runs whose trigger was published again.
	RunsRetriggered int
	// OverdueRetriggered counts overdue tasks whose trigger was replaced.
	OverdueRetriggered int
	// NotificationsRepublished counts outbox rows whose notify message is now out.
	NotificationsRepublished int
	// Errors lists the steps that failed; the others ran.
	Errors []string
}

// ErrInProgress is returned while another pass holds the lock.
var ErrInProgress error = &store.ConflictError{Reason: "A reconcile pass is already running; try again in a minute."}

// Run makes one pass. Steps that fail are reported and the rest still run; the error joins
// their failures.
func (r *Reconciler) Run(ctx context.Context) (Report, error) {
	rep := Report{Mode: "sweep", StartedAt: r.now(), Errors: []string{}}
	release, ok, err := r.store.TryReconcileLock(ctx)
	if err != nil {
		return rep, err
	}
	if !ok {
		return rep, ErrInProgress
	}
	defer release()
	var errs []error
	step := func(name string, fn func() error) {
		if err := fn(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			rep.Errors = append(rep.Errors, name+": "+err.Error())
		}
	}
	if r.jobs != nil {
		rep.Mode, rep.Jobs = "cloudscheduler", &JobCounts{}
		step("jobs", func() error { return r.syncJobs(ctx, rep.Jobs) })
	}
	step("stuck runs", func() (err error) { rep.RunsFailed, err = r.store.ReapExecutions(ctx, r.now()); return err })
	step("stale next runs", func() (err error) { rep.NextRunsRepaired, err = r.repairNextRuns(ctx); return err })
	step("pending runs", func() (err error) { rep.RunsRetriggered, err = r.retriggerPending(ctx); return err })
	if r.jobs != nil {
		step("overdue tasks", func() (err error) { rep.OverdueRetriggered, err = r.retriggerOverdue(ctx); return err })
	}
	step("outbox", func() (err error) { rep.NotificationsRepublished, err = r.republishOutbox(ctx); return err })
	rep.FinishedAt = r.now()
	r.log.InfoContext(ctx, "reconciled", slog.String("mode", rep.Mode), slog.Int64("runs_failed", rep.RunsFailed),
		slog.Int("next_runs_repaired", rep.NextRunsRepaired), slog.Int("runs_retriggered", rep.RunsRetriggered),
		slog.Int("overdue_retriggered", rep.OverdueRetriggered), slog.Int("notifications_republished", rep.NotificationsRepublished),
		slog.Int("errors", len(rep.Errors)))
	return rep, errors.Join(errs...)
}

// repairNextRuns moves tasks whose due fire already ran on to their next fire, and their jobs
// with them: the task keeps its schedule.
func (r *Reconciler) repairNextRuns(ctx context.Context) (int, error) {
	now := r.now()
	stale, err := r.store.StaleNextRuns(ctx, now, r.cfg.Batch)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, t := range stale {
		next, err := task.NextRun(t.Schedule, t.Timezone, nil, now, r.cfg.Rules)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		moved, err := r.store.MoveNextRun(ctx, t.UserID, t.ID, *t.NextRunAt, next)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !moved {
			continue
		}
		n++
		r.log.InfoContext(ctx, "moved a stale next run on", slog.String("task_id", t.ID.String()), slog.Time("was", t.NextRunAt.UTC()), slog.Time("next_run_at", next.UTC()))
		if r.jobs != nil {
			if err := r.jobs.Resync(ctx, t.UserID, t.ID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return n, errors.Join(errs...)
}

// retriggerPending publishes again the trigger of every run that waits for the runner.
func (r *Reconciler) retriggerPending(ctx context.Context) (int, error) {
	pending, err := r.store.PendingRuns(ctx, r.cfg.Batch)
	if err != nil {
		return 0, err
	}
	for i, p := range pending {
		m := event.RunTask{Version: event.Version, TaskID: p.TaskID, UserID: p.UserID, ScheduledFor: p.ScheduledFor}
		if p.ScheduledFor == nil {
			m.ExecutionID = &p.ExecutionID
		}
		if err := event.PublishJSON(ctx, r.pub, event.TopicRunTask, m); err != nil {
			return i, err
		}
	}
	return len(pending), nil
}

// retriggerOverdue publishes, for each overdue task, the message its job would have: runtask
// reads the fire from the task's next run, so a late job fire and this one claim the same run.
func (r *Reconciler) retriggerOverdue(ctx context.Context) (int, error) {
	overdue, err := r.store.OverdueTasks(ctx, r.now().Add(-r.cfg.OverdueAfter), r.cfg.Batch)
	if err != nil {
		return 0, err
	}
	for i, o := range overdue {
		m := event.RunTask{Version: event.Version, TaskID: o.TaskID, UserID: o.UserID}
		if err := event.PublishJSON(ctx, r.pub, event.TopicRunTask, m); err != nil {
			return i, err
		}
		r.log.InfoContext(ctx, "re-triggered an overdue task", slog.String("task_id", o.TaskID.String()), slog.Time("next_run_at", o.NextRunAt.UTC()))
	}
	return len(overdue), nil
}

// republishOutbox sends the notify message of outbox rows whose runner never did, and records
// that it went out.
func (r *Reconciler) republishOutbox(ctx context.Context) (int, error) {
	ids, err := r.store.UnpublishedDeliveries(ctx, r.now().Add(-r.cfg.OutboxGrace), r.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var sent []uuid.UUID
	var perr error
	for _, id := range ids {
		if perr = event.PublishJSON(ctx, r.pub, event.TopicNotify, event.Notify{Version: event.Version, DeliveryID: id}); perr != nil {
			break
		}
		sent = append(sent, id)
	}
	if err := r.store.MarkPublished(ctx, sent, r.now()); err != nil {
		return len(sent), err
	}
	return len(sent), perr
}
