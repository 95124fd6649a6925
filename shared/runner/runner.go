// Package runner runs one task for one trigger: it takes the execution for the fire, asks the
// agent, and records the result, the next run and the notification outbox rows together. The
// runtask function and torale dev's in-process bus both call Handle.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is what the runner needs from the database.
type Store interface {
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	StartExecution(ctx context.Context, p store.StartRun) (task.Execution, error)
	FinishExecution(ctx context.Context, o store.Outcome) ([]task.Delivery, error)
	RecentResults(ctx context.Context, userID, taskID uuid.UUID, n int) ([]task.Result, error)
	ReapStore
	CancelPendingFire(ctx context.Context, userID, taskID uuid.UUID, scheduledFor, now time.Time) error
}

// Config tunes a Runner; zero fields take the documented defaults.
type Config struct {
	// Rules are the scheduling limits (default task.DefaultRules()).
	Rules task.Rules
	// AgentTimeout bounds one agent call of a routine run (default 120s).
	AgentTimeout time.Duration
	// DeepTimeout bounds one agent call of a deep run (default 15 min).
	DeepTimeout time.Duration
	// HandOver makes HandleTask publish deep runs to event.TopicDeepRun, for the deep-run
	// worker, instead of running them here; the worker runs them with RunHere.
	HandOver bool
	// MaxAttempts bounds the tries of a run that fails transiently (default 3).
	MaxAttempts int
	// RetryWithin is how long a run waiting to be retried may wait before it is reaped
	// (default 30 min).
	RetryWithin time.Duration
	// EarlySlack is how far ahead of its time a scheduled fire may start (default 1 min).
	EarlySlack time.Duration
	// Memory, when set, feeds each run the facts its task already reported and keeps the facts
	// a notifying run reports (default none).
	Memory Memory
	// AfterRun, when set, is called once a run's outcome is stored if it moved the task's next
	// run or completed the task, so a per-task Cloud Scheduler job can follow: to the minute the
	// agent chose, back to the cron after that fire, or away. Its error is only logged: the
	// outcome stands, and reconcile repairs a job left behind.
	AfterRun func(ctx context.Context, userID, taskID uuid.UUID) error
	// Pages reads the pages of change-mode tasks and Snapshots keeps their last text; without
	// both, change-mode runs fail saying so (change.go).
	Pages     PageReader
	Snapshots Snapshots
	// Alerts, when set, hears of every run's final outcome and of every run the spend guard
	// held back, to tell the owner when a watch breaks and when it recovers (shared/alert).
	Alerts Alerts
	// Spend, when set, is asked before each run whether it may start (shared/budget).
	Spend SpendGuard
}

// Alerts follows runs' outcomes to alert their owners; its errors are its own to log.
type Alerts interface {
	RunFinished(ctx context.Context, t task.Task, status task.Status, errText string)
	SpendCapped(ctx context.Context, t task.Task, reason string)
}

// SpendGuard says, in plain words, why a run of t may not start, or "".
type SpendGuard interface {
	Check(ctx context.Context, t task.Task) (string, error)
}

// Memory is a task's memory of facts already reported, so the agent does not notify twice
// about the same news.
type Memory interface {
	Recall(ctx context.Context, t task.Task) ([]string, error)
	Remember(ctx context.Context, userID, taskID, executionID uuid.UUID, facts []string) error
}

func (c Config) withDefaults() Config {
	if c.Rules == (task.Rules{}) {
		c.Rules = task.DefaultRules()
	}
	if c.AgentTimeout <= 0 {
		c.AgentTimeout = 120 * time.Second
	}
	if c.DeepTimeout <= 0 {
		c.DeepTimeout = 15 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.RetryWithin <= 0 {
		c.RetryWithin = 30 * time.Minute
	}
	if c.EarlySlack <= 0 {
		c.EarlySlack = time.Minute
	}
	return c
}

// Runner runs tasks. It is safe for concurrent use.
type Runner struct {
	store Store
	agent agent.Agent
	pub   event.Publisher
	now   func() time.Time
	log   *slog.Logger
	cfg   Config
	// reaper takes back dead attempts at recovery, retrying them as this runner would.
	reaper *Reaper
}

// New returns a runner. now is the clock (time.Now outside tests).
func New(s Store, a agent.Agent, pub event.Publisher, now func() time.Time, log *slog.Logger, cfg Config) *Runner {
	cfg = cfg.withDefaults()
	return &Runner{store: s, agent: a, pub: pub, now: now, log: log, cfg: cfg, reaper: NewReaper(s, pub, now, log, cfg)}
}

// ErrRetry is wrapped by Handle's error when the run failed transiently and will be tried
// again; the trigger should be redelivered.
var ErrRetry = errors.New("run failed transiently")

// Handle reads the task m names and runs it, if it should run. A nil error means the trigger is
// done with (ran, or needs nothing); an error means deliver it again later. Run-task messages
// reach the runner through schedule.Gate, which has read the task already and calls HandleTask.
func (r *Runner) Handle(ctx context.Context, m event.RunTask) error {
	t, err := r.store.GetTask(ctx, m.UserID, m.TaskID)
	if errors.Is(err, store.ErrNotFound) {
		r.log.InfoContext(ctx, "task is gone; nothing to run", slog.String("task_id", m.TaskID.String()))
		return nil
	}
	if err != nil {
		return fmt.Errorf("loading task: %w", err)
	}
	return r.HandleTask(ctx, m, t)
}

// HandleTask runs task t for trigger m, if it should run, like Handle, with t as the caller
// read it. A stale read is harmless: the claim in StartExecution is what admits one attempt per
// fire, and the outcome is recorded against t's version. With Config.HandOver, a deep run is
// published to the deep-run worker instead (see handOver).
func (r *Runner) HandleTask(ctx context.Context, m event.RunTask, t task.Task) error {
	if r.cfg.HandOver && KindOf(t) == KindDeep {
		return r.handOver(ctx, t, m)
	}
	return r.RunHere(ctx, m, t)
}

// handOver publishes a deep run's trigger to the deep-run topic and is done with it: the worker
// claims the run in the database as runtask would, so the (task, scheduled_for) key and the
// claim still admit one attempt per fire, and a run the worker loses comes back through the
// reaper's re-trigger, which arrives here and is handed over again. A fire that should not run
// is dropped here, so the worker is not woken for it.
func (r *Runner) handOver(ctx context.Context, t task.Task, m event.RunTask) error {
	if m.ExecutionID == nil {
		if skip := r.skipScheduled(t, m, r.now()); skip != "" {
			r.log.InfoContext(ctx, "not handing over scheduled fire", slog.String("task_id", m.TaskID.String()), slog.String("reason", skip))
			return r.dropFire(ctx, t, m, r.now())
		}
	}
	if err := event.PublishJSON(ctx, r.pub, event.TopicDeepRun, m); err != nil {
		return fmt.Errorf("handing the deep run over: %w", err)
	}
	r.log.InfoContext(ctx, "deep run handed to the worker", slog.String("task_id", m.TaskID.String()))
	return nil
}

// RunHere runs task t for trigger m in this process whatever its kind: HandleTask without the
// hand-over, for the deep-run worker.
func (r *Runner) RunHere(ctx context.Context, m event.RunTask, t task.Task) error {
	log := r.log.With(slog.String("task_id", m.TaskID.String()))
	now := r.now()
	if m.ExecutionID == nil {
		if skip := r.skipScheduled(t, m, now); skip != "" {
			log.InfoContext(ctx, "not running scheduled fire", slog.String("reason", skip))
			return r.dropFire(ctx, t, m, now)
		}
	}
	exec, err := r.store.StartExecution(ctx, store.StartRun{
		UserID: m.UserID, TaskID: m.TaskID, ExecutionID: m.ExecutionID, ScheduledFor: m.ScheduledFor,
		Now: now, Deadline: now.Add(r.cfg.Deadline(KindOf(t))),
	})
	switch {
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
		log.InfoContext(ctx, "run already taken or finished; ignoring trigger", slog.String("detail", err.Error()))
		return nil
	case err != nil:
		return fmt.Errorf("starting execution: %w", err)
	}
	log = log.With(slog.String("execution_id", exec.ID.String()), slog.Int("attempt", exec.Attempt))
	if held, err := r.holdBack(ctx, t, exec, log); held || err != nil {
		return err
	}
	return r.run(ctx, t, exec, log)
}

// dropFire cancels the fire of a task that is no longer active if the sweep claimed it: left
// pending, the fire would be re-triggered for ever and keep the task from being claimed again
// when it is resumed.
func (r *Runner) dropFire(ctx context.Context, t task.Task, m event.RunTask, now time.Time) error {
	if t.State == task.StateActive || m.ScheduledFor == nil {
		return nil
	}
	if err := r.store.CancelPendingFire(ctx, m.UserID, m.TaskID, *m.ScheduledFor, now); err != nil {
		return fmt.Errorf("dropping the fire of an inactive task: %w", err)
	}
	return nil
}

func (r *Runner) skipScheduled(t task.Task, m event.RunTask, now time.Time) string {
	switch {
	case t.State != task.StateActive:
		return fmt.Sprintf("task is %s", t.State)
	case m.ScheduledFor == nil:
		return "scheduled trigger without a fire time"
	case m.ScheduledFor.After(now.Add(r.cfg.EarlySlack)):
		return "fire is not due yet"
	}
	return ""
}

func (r *Runner) run(ctx context.Context, t task.Task, exec task.Execution, log *slog.Logger) error {
	if t.Mode == task.ModeChange {
		return r.runChange(ctx, t, exec, log)
	}
	recent, err := r.recent(ctx, t)
	if err != nil {
		return fmt.Errorf("loading recent results: %w", err)
	}
	in := agent.Input{
		SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Timezone: t.Timezone, NotifyBehavior: t.NotifyBehavior, Now: r.now(), Recent: recent,
		URLs: t.URLs, Context: t.Context, Depth: t.Depth,
	}
	if r.cfg.Memory != nil {
		if in.Memory, err = r.cfg.Memory.Recall(ctx, t); err != nil {
			// Deciding without memory could notify twice; try again later instead.
			o := store.Outcome{ExecutionID: exec.ID, UserID: t.UserID, TaskID: t.ID, Attempt: exec.Attempt,
				Now: r.now(), TaskVersion: t.UpdatedAt}
			return r.fail(ctx, t, exec, o, &agent.Error{Category: task.CategoryNetwork, Retryable: true,
				Message: "the task's memory could not be read", Err: err}, log)
		}
	}
	actx, cancel := context.WithTimeout(ctx, r.cfg.agentTimeout(KindOf(t)))
	out, err := r.agent.Run(actx, in)
	cancel()
	o := store.Outcome{ExecutionID: exec.ID, UserID: t.UserID, TaskID: t.ID, Attempt: exec.Attempt,
		Now: r.now(), TaskVersion: t.UpdatedAt, Usage: out.Usage, Steps: out.Steps, Findings: out.Findings}
	if err != nil {
		return r.fail(ctx, t, exec, o, err, log)
	}
	return r.succeed(ctx, t, exec, o, out, log)
}

// recent are t's last successful results for the agent: those the gate read with t, else read
// now. Another run of t that ends between the gate's read and this run's claim is not among
// them, as one that ends while this run's agent works is not either: the facts that run
// reported, which the task's memory keeps, are what stop the next run telling them again.
func (r *Runner) recent(ctx context.Context, t task.Task) ([]task.Result, error) {
	if t.RunReads != nil {
		return t.RunReads.Recent, nil
	}
	return r.store.RecentResults(ctx, t.UserID, t.ID, task.RecentResultsRead)
}

// remember keeps what a notifying run reported. It runs after the result is recorded, so a fact
// is never remembered for a notification that was not; a crash in between can at worst let the
// next run notify once more, and the recent results it sees still show the notification.
func (r *Runner) remember(ctx context.Context, t task.Task, exec task.Execution, out agent.Output, log *slog.Logger) {
	if r.cfg.Memory == nil || !out.Result.Notifies() {
		return
	}
	facts := out.Facts
	if len(facts) == 0 {
		facts = []string{*out.Result.Notification}
	}
	// The result is recorded; keep its facts even if the caller is going away.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := r.cfg.Memory.Remember(mctx, t.UserID, t.ID, exec.ID, facts); err != nil {
		log.WarnContext(ctx, "remembering reported facts", slog.String("error", err.Error()))
	}
}

func (r *Runner) succeed(ctx context.Context, t task.Task, exec task.Execution, o store.Outcome, out agent.Output, log *slog.Logger) error {
	return r.succeedThen(ctx, t, exec, o, out, log, nil)
}

// succeedThen records a successful run like succeed, calling stored, when set, once the result
// is recorded (a change run keeps its pages' text then) instead of remembering facts.
func (r *Runner) succeedThen(ctx context.Context, t task.Task, exec task.Execution, o store.Outcome, out agent.Output,
	log *slog.Logger, stored func(context.Context),
) error {
	res := out.Result
	o.Status, o.Result, o.Topic, o.SilenceReason = task.StatusSuccess, &res, res.Topic, out.Silence
	o.Steps, o.Findings = out.Steps, out.Findings
	if exec.Trigger == task.TriggerSchedule {
		next, cause, err := task.Next(t.Schedule, t.Timezone, res.NextRun, o.Now, r.cfg.Rules)
		if err != nil {
			log.ErrorContext(ctx, "computing next run", slog.String("error", err.Error()))
		} else {
			o.NextRunAt, o.NextRunCause = &next, cause
		}
	}
	if res.Notifies() {
		o.Notify = t.Notifications
		o.Complete = t.NotifyBehavior == task.NotifyOnce
	}
	deliveries, err := r.store.FinishExecution(ctx, o)
	if errors.Is(err, store.ErrConflict) {
		log.WarnContext(ctx, "run was superseded; dropping its result")
		return nil
	}
	if err != nil {
		return fmt.Errorf("recording result: %w", err)
	}
	if r.cfg.Alerts != nil {
		r.cfg.Alerts.RunFinished(ctx, t, task.StatusSuccess, "")
	}
	log.InfoContext(ctx, "run succeeded", slog.Bool("notified", res.Notifies()), slog.Int("deliveries", len(deliveries)))
	if stored != nil {
		// The result is recorded; keep what follows from it even if the caller is going away.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		stored(sctx)
		cancel()
	} else {
		r.remember(ctx, t, exec, out, log)
	}
	r.afterRun(ctx, o, log)
	for _, d := range deliveries {
		if err := r.publishNotify(ctx, d.ID); err != nil {
			// The row is in the outbox; the notifier's sweep or reconcile sends it anyway.
			log.WarnContext(ctx, "publishing notify", slog.String("delivery_id", d.ID.String()), slog.String("error", err.Error()))
		}
	}
	return nil
}

func (r *Runner) fail(ctx context.Context, t task.Task, exec task.Execution, o store.Outcome, runErr error, log *slog.Logger) error {
	ae := agent.AsError(runErr)
	o.Error, o.Category, o.InternalError = ae.Message, ae.Category, runErr.Error()
	interrupted := ctx.Err() != nil
	retry := interrupted || (ae.Retryable && exec.Attempt < r.cfg.MaxAttempts)
	if retry {
		o.Status = task.StatusRetrying
		by := o.Now.Add(r.cfg.RetryWithin)
		o.RetryBy = &by
		if interrupted {
			o.Error = "the check was interrupted and will run again"
		}
		// The trail says why the next attempt's steps follow.
		o.Steps = append(o.Steps[:len(o.Steps):len(o.Steps)], task.Step{Kind: task.StepRetry, At: o.Now, Purpose: "run",
			Failure: o.Error})
	} else {
		o.Status = task.StatusFailed
		if exec.Trigger == task.TriggerSchedule {
			next, err := task.NextRun(t.Schedule, t.Timezone, nil, o.Now, r.cfg.Rules)
			if err == nil {
				o.NextRunAt, o.NextRunCause = &next, task.CauseFailed
			}
		}
	}
	// Record even when ctx is ending (shutdown), so the next start finds the run owed.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err := r.store.FinishExecution(wctx, o)
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("recording failure: %w", err)
	}
	if err == nil && !retry {
		r.afterRun(wctx, o, log)
		if r.cfg.Alerts != nil {
			r.cfg.Alerts.RunFinished(wctx, t, task.StatusFailed, o.Error)
		}
	}
	log.WarnContext(ctx, "run failed", slog.String("status", string(o.Status)), slog.String("category", string(ae.Category)),
		slog.String("error", runErr.Error()))
	if retry {
		return fmt.Errorf("%w: %s", ErrRetry, ae.Message)
	}
	return nil
}

// NotifyPublisher is a publisher that sends a delivery's notify message itself, given its id;
// reconcile.OutboxPublisher is one, and records the row as published once the message is out.
type NotifyPublisher interface {
	PublishNotify(ctx context.Context, deliveryID uuid.UUID) error
}

// publishNotify asks for one delivery: through the publisher's own PublishNotify when it has
// one, else as a plain notify message.
func (r *Runner) publishNotify(ctx context.Context, deliveryID uuid.UUID) error {
	if np, ok := r.pub.(NotifyPublisher); ok {
		return np.PublishNotify(ctx, deliveryID)
	}
	return event.PublishJSON(ctx, r.pub, event.TopicNotify, event.Notify{Version: event.Version, DeliveryID: deliveryID})
}

// afterRun tells the AfterRun hook about a stored outcome that moved the task's next run or
// completed it.
func (r *Runner) afterRun(ctx context.Context, o store.Outcome, log *slog.Logger) {
	if r.cfg.AfterRun == nil || (o.NextRunAt == nil && !o.Complete) {
		return
	}
	if err := r.cfg.AfterRun(ctx, o.UserID, o.TaskID); err != nil {
		log.WarnContext(ctx, "updating the task's trigger after its run; reconcile will", slog.String("error", err.Error()))
	}
}

// RecoverAtStart puts right what a stopped process left, for a process that is the only runner
// of its database (torale dev, the functions server on its in-process bus), started at started:
// it triggers every run that waits for the runner, at once, and takes back the runs begun before
// it (retrying those with attempts left), since their triggers lived in a dead process's memory.
// Elsewhere the reaper of every sweep takes back runs at their deadline.
func (r *Runner) RecoverAtStart(ctx context.Context, started time.Time) error {
	pending, err := r.store.PendingRuns(ctx, recoverBatch)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if err := retrigger(ctx, r.pub, p); err != nil {
			return err
		}
	}
	// The runs the reap takes back become retrying, and it triggers them itself.
	reaped, retried, err := r.reaper.reap(ctx, &started)
	if err != nil {
		return err
	}
	r.log.InfoContext(ctx, "recovered runs", slog.Int("retriggered", len(pending)), slog.Int("reaped", reaped),
		slog.Int("retried", retried))
	return nil
}

// recoverBatch bounds the runs one recovery re-triggers; reconcile takes any beyond it.
const recoverBatch = 10_000
