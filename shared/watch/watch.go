// Package watch is what users do with their tasks: create, change, run, preview and read them.
// It checks input with the task rules, keeps states and next runs right, and triggers runs
// through the publisher.
package watch

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/gallery"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of the service.
type Store interface {
	CreateTaskCapped(ctx context.Context, id uuid.UUID, n store.NewTask, maxActive int) (task.Task, error)
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	GetTaskVersion(ctx context.Context, userID, id uuid.UUID) (task.Task, store.Version, error)
	ListTasks(ctx context.Context, userID uuid.UUID, f store.TaskFilter) ([]task.Task, error)
	SaveTask(ctx context.Context, userID uuid.UUID, next task.Task, v store.Version, maxActive int) (task.Task, error)
	DeleteTaskVersion(ctx context.Context, userID, id uuid.UUID, v store.Version) error
	CountActiveTasks(ctx context.Context, userID uuid.UUID) (int, error)
	CreateManualRun(ctx context.Context, userID, taskID uuid.UUID) (task.Execution, error)
	CancelRuns(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (int64, error)
	GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error)
	ExecutionSteps(ctx context.Context, userID, id uuid.UUID) ([]task.Step, error)
	GetExecutions(ctx context.Context, userID uuid.UUID, ids []uuid.UUID) ([]task.Execution, error)
	ListExecutions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *store.Cursor) ([]task.Execution, error)
	ListTaskViews(ctx context.Context, userID uuid.UUID, f store.TaskFilter, now time.Time) ([]store.TaskView, error)
	GetTaskView(ctx context.Context, userID, id uuid.UUID, now time.Time) (store.TaskView, error)
	ListTaskViewsByKey(ctx context.Context, keyHash []byte, f store.TaskFilter, now time.Time) ([]store.TaskView, error)
	GetTaskViewByKey(ctx context.Context, keyHash []byte, id uuid.UUID, now time.Time) (store.TaskView, error)
	ListNotified(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.Notified, error)
	// Templates and public watches (template.go, public.go).
	CreateTemplate(ctx context.Context, userID uuid.UUID, t task.Template) (task.Template, error)
	ListTemplates(ctx context.Context, userID uuid.UUID) ([]task.Template, error)
	GetTemplate(ctx context.Context, userID, id uuid.UUID) (task.Template, error)
	DeleteTemplate(ctx context.Context, userID, id uuid.UUID) error
	GetPublicTask(ctx context.Context, slug string) (task.Task, error)
	ListPublicTasks(ctx context.Context, query string, limit int, after *store.PublicCursor) ([]task.Task, error)
	PublicResults(ctx context.Context, taskID uuid.UUID, since time.Time, limit int) ([]task.Execution, error)
	ListAlerts(ctx context.Context, userID uuid.UUID, openOnly bool, limit int, after *store.Cursor) ([]store.ListedAlert, error)
	SetTaskBudget(ctx context.Context, userID, taskID uuid.UUID, budget *float64) error
	ResolveAlerts(ctx context.Context, userID, taskID uuid.UUID, causes []task.AlertCause, now time.Time, to []store.AlertTarget) ([]task.Alert, []task.Delivery, error)
}

// Trigger keeps what fires a task in step with the stored task: one Cloud Scheduler job per
// task, or nothing in sweep mode, where the row itself is the trigger. Its methods run before
// the change is stored and outside any transaction (they call the network); a failure (a
// quota, a permission) means the change is not stored.
type Trigger interface {
	// Sync creates or updates the task's trigger to match t: its schedule and next run, paused
	// when t is paused, gone when t is completed.
	Sync(ctx context.Context, t task.Task) error
	// Remove deletes the task's trigger.
	Remove(ctx context.Context, t task.Task) error
}

// Channels says where a user's tasks may send notifications: to addresses the user verified,
// and to webhook URLs the deployment's network policy allows.
type Channels interface {
	EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error)
	// CheckWebhookURL returns why a URL may not be used, or nil.
	CheckWebhookURL(raw string) error
	// OwnedChannels returns which of ids name the user's saved channels.
	OwnedChannels(ctx context.Context, userID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// Deps are what the service is built from. Zero limits take the documented defaults.
type Deps struct {
	Store Store
	// Trigger mirrors tasks into the scheduler; nil in sweep mode.
	Trigger Trigger
	// Channels checks notification targets when they are saved; nil accepts any.
	Channels  Channels
	Publisher event.Publisher
	Agent     agent.Agent
	Now       func() time.Time
	Rules     task.Rules
	Log       *slog.Logger
	// MaxActive caps each user's active tasks (default 50).
	MaxActive int
	// AgentTimeout bounds a preview (default 120s).
	AgentTimeout time.Duration
	// Gallery is the built-in templates (default gallery.MustLoad()).
	Gallery *gallery.Gallery
}

// Service carries out users' operations on tasks.
type Service struct {
	store     Store
	trigger   Trigger
	channels  Channels
	pub       event.Publisher
	agent     agent.Agent
	now       func() time.Time
	rules     task.Rules
	log       *slog.Logger
	maxActive int
	timeout   time.Duration
	gallery   func() *gallery.Gallery
	// changeByDefault makes a new task that lists pages and names no mode a change-mode watch:
	// no model is configured, so an agent-mode task could only fail.
	changeByDefault bool
}

// New returns the service.
func New(d Deps) *Service {
	if d.MaxActive <= 0 {
		d.MaxActive = 50
	}
	if d.AgentTimeout <= 0 {
		d.AgentTimeout = 120 * time.Second
	}
	if d.Agent == nil {
		d.Agent = agent.Unconfigured{}
	}
	// The built-in gallery is read on first use, not at start: the API's cold start should not
	// pay for decoding it.
	builtin := sync.OnceValue(gallery.MustLoad)
	if d.Gallery != nil {
		builtin = func() *gallery.Gallery { return d.Gallery }
	}
	_, unconfigured := d.Agent.(agent.Unconfigured)
	return &Service{changeByDefault: unconfigured, store: d.Store, trigger: d.Trigger, channels: d.Channels, pub: d.Publisher, agent: d.Agent, now: d.Now, rules: d.Rules,
		log: d.Log, maxActive: d.MaxActive, timeout: d.AgentTimeout, gallery: builtin}
}

// LimitError says a user reached a cap; the message says which and what to do.
type LimitError struct{ Reason string }

func (e *LimitError) Error() string { return e.Reason }

// checkActiveCap refuses early, before the scheduler is called, when the user is at the cap.
// It is only a shortcut: the store enforces the cap atomically when the task is written.
func (s *Service) checkActiveCap(ctx context.Context, userID uuid.UUID) error {
	n, err := s.store.CountActiveTasks(ctx, userID)
	if err != nil {
		return err
	}
	if n >= s.maxActive {
		return activeLimit(n)
	}
	return nil
}

func activeLimit(n int) error {
	return &LimitError{Reason: fmt.Sprintf("You have %d active tasks, the most allowed; pause or complete one first.", n)}
}

// Create validates d and stores it as an active task due at its first run. Invalid input
// returns a *task.ValidationError naming every bad field.
func (s *Service) Create(ctx context.Context, userID uuid.UUID, d task.Draft) (task.Task, error) {
	d.Mode = s.DefaultMode(d)
	n, err := normalize(d, s.rules)
	if err != nil {
		return task.Task{}, err
	}
	if err := s.checkChannels(ctx, userID, n.Notifications); err != nil {
		return task.Task{}, err
	}
	if err := s.checkActiveCap(ctx, userID); err != nil {
		return task.Task{}, err
	}
	first, cause, err := task.First(n.Schedule, n.Timezone, n.RunImmediately == nil || *n.RunImmediately, s.now())
	if err != nil {
		return task.Task{}, err
	}
	return s.create(ctx, store.NewTask{
		UserID: userID, Name: n.Name, NameIsDefault: n.NameIsDefault(), SearchQuery: n.SearchQuery,
		ConditionDescription: n.ConditionDescription, Schedule: n.Schedule, Timezone: n.Timezone,
		NotifyBehavior: n.NotifyBehavior, Depth: n.Depth, Notifications: n.Notifications,
		State: task.StateActive, NextRunAt: &first, NextRunCause: cause, URLs: n.URLs, Context: n.Context,
		Mode: n.Mode,
	})
}

// DefaultMode is the mode a new task gets: the one it names, else change mode when it lists
// pages and no model is configured, else agent mode. It is decided once, at creation; the
// stored mode never follows a key being added or removed.
func (s *Service) DefaultMode(d task.Draft) task.Mode {
	if d.Mode != "" {
		return d.Mode
	}
	if s.changeByDefault && len(d.URLs) > 0 {
		return task.ModeChange
	}
	return task.ModeAgent
}

// Get returns the user's task.
func (s *Service) Get(ctx context.Context, userID, id uuid.UUID) (task.Task, error) {
	return s.store.GetTask(ctx, userID, id)
}

// List returns a page of the user's tasks.
func (s *Service) List(ctx context.Context, userID uuid.UUID, f store.TaskFilter) ([]task.Task, error) {
	return s.store.ListTasks(ctx, userID, f)
}

// RunNow starts a manual run of the task whatever its state, without changing the state. While
// another run is in progress it returns store.ErrConflict, unless force cancels that run.
func (s *Service) RunNow(ctx context.Context, userID, taskID uuid.UUID, force bool) (task.Execution, error) {
	if force {
		if _, err := s.store.CancelRuns(ctx, userID, taskID, s.now()); err != nil {
			return task.Execution{}, err
		}
	}
	e, err := s.store.CreateManualRun(ctx, userID, taskID)
	if err != nil {
		return task.Execution{}, err
	}
	m := event.RunTask{Version: event.Version, TaskID: taskID, UserID: userID, ExecutionID: &e.ID}
	if err := event.PublishJSON(ctx, s.pub, event.TopicRunTask, m); err != nil {
		// The run is recorded as pending; recovery triggers it again.
		s.log.Error("publishing manual run", slog.String("execution_id", e.ID.String()), slog.String("error", err.Error()))
	}
	return e, nil
}

// Execution returns one of the user's executions.
func (s *Service) Execution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error) {
	return s.store.GetExecution(ctx, userID, id)
}

// ExecutionSteps returns the trail of the user's run id: its steps in order, every attempt's.
func (s *Service) ExecutionSteps(ctx context.Context, userID, id uuid.UUID) ([]task.Step, error) {
	return s.store.ExecutionSteps(ctx, userID, id)
}

// Executions returns a page of a task's runs, newest first.
func (s *Service) Executions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *store.Cursor) ([]task.Execution, error) {
	return s.store.ListExecutions(ctx, userID, taskID, limit, after)
}

// Notifications returns a page of runs that notified: of one task, or of all the user's.
func (s *Service) Notifications(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.Notified, error) {
	return s.store.ListNotified(ctx, userID, taskID, limit, after)
}

// checkChannels refuses email addresses the user has not verified and webhook URLs the network
// policy forbids, naming each field, so a task never waits on a channel that cannot deliver.
func (s *Service) checkChannels(ctx context.Context, userID uuid.UUID, ns []task.Notification) error {
	if s.channels == nil {
		return nil
	}
	var fields []task.FieldError
	for i, n := range ns {
		switch {
		case n.Type == task.ChannelEmail:
			ok, err := s.channels.EmailVerified(ctx, userID, n.Address)
			if err != nil {
				return err
			}
			if !ok {
				fields = append(fields, task.FieldError{Field: fmt.Sprintf("notifications[%d].address", i),
					Message: "is not verified yet; verify it first (POST /api/v1/emails sends a 6-digit code)"})
			}
		case n.Type == task.ChannelWebhook && n.URL != "":
			if err := s.channels.CheckWebhookURL(n.URL); err != nil {
				fields = append(fields, task.FieldError{Field: fmt.Sprintf("notifications[%d].url", i),
					Message: "cannot be used: " + err.Error()})
			}
		}
	}
	owned, err := s.foreignChannels(ctx, userID, ns)
	if err != nil {
		return err
	}
	fields = append(fields, owned...)
	if len(fields) > 0 {
		return &task.ValidationError{Fields: fields}
	}
	return nil
}

// foreignChannels names each channel notification whose id is not one of the user's channels:
// another user's looks the same as none, so ids cannot be probed.
func (s *Service) foreignChannels(ctx context.Context, userID uuid.UUID, ns []task.Notification) ([]task.FieldError, error) {
	var ids []uuid.UUID
	for _, n := range ns {
		if id, err := uuid.Parse(n.ChannelID); n.Type == task.ChannelChat && err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	owned, err := s.channels.OwnedChannels(ctx, userID, ids)
	if err != nil {
		return nil, err
	}
	var fields []task.FieldError
	for i, n := range ns {
		if id, err := uuid.Parse(n.ChannelID); n.Type == task.ChannelChat && err == nil && !owned[id] {
			fields = append(fields, task.FieldError{Field: fmt.Sprintf("notifications[%d].channel_id", i),
				Message: "is not one of your channels (GET /api/v1/channels lists them)"})
		}
	}
	return fields, nil
}

// SchedulePreview is a schedule as a task would store it, and its next fires.
type SchedulePreview struct {
	Schedule string
	Timezone string
	NextRuns []time.Time
}

// PreviewSchedule checks a schedule and time zone as task creation does and lists the next n
// fires from now; it stores nothing. Invalid input is a *task.ValidationError naming "schedule"
// or "timezone".
func (s *Service) PreviewSchedule(schedule, timezone string, n int) (SchedulePreview, error) {
	schedule, timezone, err := task.NormalizeSchedule(schedule, timezone, s.rules)
	if err != nil {
		return SchedulePreview{}, err
	}
	next, err := task.Upcoming(schedule, timezone, n, s.now())
	if err != nil {
		return SchedulePreview{}, err
	}
	return SchedulePreview{Schedule: schedule, Timezone: timezone, NextRuns: next}, nil
}
