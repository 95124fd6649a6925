// Package watch is what users do with their tasks: create, read, list and run them. It checks
// input with the task rules, keeps next runs right, and triggers runs through the publisher.
package watch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of the service.
type Store interface {
	CreateTask(ctx context.Context, n store.NewTask) (task.Task, error)
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	ListTasks(ctx context.Context, userID uuid.UUID, f store.TaskFilter) ([]task.Task, error)
	CreateManualRun(ctx context.Context, userID, taskID uuid.UUID) (task.Execution, error)
	GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error)
	ListExecutions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *store.Cursor) ([]task.Execution, error)
}

// Service carries out users' operations on tasks.
type Service struct {
	store Store
	pub   event.Publisher
	now   func() time.Time
	rules task.Rules
	log   *slog.Logger
}

// New returns the service; now is the clock.
func New(s Store, pub event.Publisher, now func() time.Time, rules task.Rules, log *slog.Logger) *Service {
	return &Service{store: s, pub: pub, now: now, rules: rules, log: log}
}

// Create validates d and stores it as an active task due at its first run. Invalid input
// returns a *task.ValidationError naming every bad field.
func (s *Service) Create(ctx context.Context, userID uuid.UUID, d task.Draft) (task.Task, error) {
	n, err := d.Normalize(s.rules)
	if err != nil {
		return task.Task{}, err
	}
	first, err := task.FirstRun(n.Schedule, n.Timezone, n.RunImmediately == nil || *n.RunImmediately, s.now())
	if err != nil {
		return task.Task{}, err
	}
	return s.store.CreateTask(ctx, store.NewTask{
		UserID: userID, Name: n.Name, NameIsDefault: n.NameIsDefault(), SearchQuery: n.SearchQuery,
		ConditionDescription: n.ConditionDescription, Schedule: n.Schedule, Timezone: n.Timezone,
		NotifyBehavior: n.NotifyBehavior, Notifications: n.Notifications,
		State: task.StateActive, NextRunAt: &first,
	})
}

// Get returns the user's task.
func (s *Service) Get(ctx context.Context, userID, id uuid.UUID) (task.Task, error) {
	return s.store.GetTask(ctx, userID, id)
}

// List returns a page of the user's tasks.
func (s *Service) List(ctx context.Context, userID uuid.UUID, f store.TaskFilter) ([]task.Task, error) {
	return s.store.ListTasks(ctx, userID, f)
}

// RunNow starts a manual run of the task whatever its state, without changing the state. It
// returns store.ErrConflict while another run is in progress.
func (s *Service) RunNow(ctx context.Context, userID, taskID uuid.UUID) (task.Execution, error) {
	e, err := s.store.CreateManualRun(ctx, userID, taskID)
	if err != nil {
		return task.Execution{}, err
	}
	m := event.RunTask{Version: event.Version, TaskID: taskID, UserID: userID, ExecutionID: &e.ID}
	if err := event.PublishJSON(ctx, s.pub, event.TopicRunTask, m); err != nil {
		// The run is recorded as pending; recovery triggers it again.
		s.log.Error("publishing manual run", "execution_id", e.ID.String(), "error", err.Error())
	}
	return e, nil
}

// Execution returns one of the user's executions.
func (s *Service) Execution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error) {
	return s.store.GetExecution(ctx, userID, id)
}

// Executions returns a page of a task's runs, newest first.
func (s *Service) Executions(ctx context.Context, userID, taskID uuid.UUID, limit int, after *store.Cursor) ([]task.Execution, error) {
	return s.store.ListExecutions(ctx, userID, taskID, limit, after)
}

// LastExecution returns the task's latest finished run, or nil when it has none.
func (s *Service) LastExecution(ctx context.Context, t task.Task) (*task.Execution, error) {
	if t.LastExecutionID == nil {
		return nil, nil
	}
	e, err := s.store.GetExecution(ctx, t.UserID, *t.LastExecutionID)
	if err != nil {
		return nil, fmt.Errorf("reading last execution: %w", err)
	}
	return &e, nil
}
