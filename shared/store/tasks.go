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

// NewTask is a validated task ready to be stored.
type NewTask struct {
	UserID               uuid.UUID
	Name                 string
	NameIsDefault        bool
	SearchQuery          string
	ConditionDescription string
	Schedule             string
	Timezone             string
	NotifyBehavior       task.NotifyBehavior
	Depth                task.Depth
	Notifications        []task.Notification
	State                task.State
	NextRunAt            *time.Time
	// NextRunCause is what set NextRunAt; empty means the schedule.
	NextRunCause task.NextRunCause
	// URLs are the pages each run reads; Context is background for the agent.
	URLs    []string
	Context string
	// Mode is how runs decide; empty means ModeAgent.
	Mode task.Mode
}

// CreateTask stores a new task and returns it as stored.
func (s *Store) CreateTask(ctx context.Context, n NewTask) (task.Task, error) {
	t, err := insertTask(ctx, s.q, uuid.New(), n)
	if err != nil {
		return task.Task{}, fmt.Errorf("creating task: %w", err)
	}
	return t, nil
}

func insertTask(ctx context.Context, q *db.Queries, id uuid.UUID, n NewTask) (task.Task, error) {
	r, err := q.InsertTask(ctx, db.InsertTaskParams{ID: id, UserID: n.UserID, Name: n.Name,
		NameIsDefault: n.NameIsDefault, SearchQuery: n.SearchQuery, ConditionDescription: n.ConditionDescription,
		Schedule: n.Schedule, Timezone: n.Timezone, NotifyBehavior: n.NotifyBehavior,
		Depth: depthOr(n.Depth), Notifications: doc.FromNotifications(n.Notifications), State: n.State, NextRunAt: n.NextRunAt,
		NextRunCause: causeOr(n.NextRunCause), Urls: nonNil(n.URLs), Context: n.Context, Mode: modeOr(n.Mode)})
	return taskOf(r), translate(err)
}

// GetTask returns the user's task, or ErrNotFound when it is missing or someone else's.
func (s *Store) GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error) {
	r, err := s.q.GetTask(ctx, db.GetTaskParams{ID: id, UserID: userID})
	if err != nil {
		return task.Task{}, fmt.Errorf("reading task: %w", translate(err))
	}
	return taskOf(r), nil
}

// Cursor is a position in a newest-first list: the last row a page returned.
type Cursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// TaskFilter narrows ListTasks. Limit must be positive; After continues a previous page.
type TaskFilter struct {
	State task.State // empty for every state
	Limit int
	After *Cursor
}

// ListTasks returns the user's tasks newest first, one page at a time.
func (s *Store) ListTasks(ctx context.Context, userID uuid.UUID, f TaskFilter) ([]task.Task, error) {
	at, id := keyset(f.After)
	rows, err := s.q.ListTasks(ctx, db.ListTasksParams{UserID: userID, State: string(f.State),
		AfterAt: at, AfterID: id, MaxRows: int32(f.Limit)})
	return mapAll(rows, err, "listing tasks", taskOf)
}

// Claim is a due task the sweep took: run it for the fire at ScheduledFor.
type Claim struct {
	TaskID       uuid.UUID
	UserID       uuid.UUID
	ScheduledFor time.Time
}

// NextDue returns when the next active task falls due; ok is false when none has a next run.
func (s *Store) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	next, err := s.q.NextDueAt(ctx)
	if errors.Is(translate(err), ErrNotFound) || err == nil && next == nil {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading the next due time: %w", err)
	}
	return *next, true, nil
}

// ClaimDueTasks takes up to limit active tasks due at now, oldest first, and in the same
// statement moves their next_run_at to leaseUntil, so no other sweeper takes them, and records
// each fire as a pending execution with its original time. The runner takes that execution and
// sets the real next run when the run ends. A fire whose trigger is lost is not lost with it:
// recovery at start and reconcile re-trigger pending runs, and a task with an unfinished
// scheduled run is not claimed again, so the lease only brings back a task whose fire ended
// without moving its next run.
func (s *Store) ClaimDueTasks(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Claim, error) {
	rows, err := s.q.ClaimDueTasks(ctx, db.ClaimDueTasksParams{Now: now, LeaseUntil: leaseUntil, MaxRows: limit})
	return mapAll(rows, err, "claiming due tasks", func(r db.ClaimDueTasksRow) Claim {
		// claimed fires have a time: the claim selected them by it
		return Claim{TaskID: r.TaskID, UserID: r.UserID, ScheduledFor: *r.ScheduledFor}
	})
}

// causeOr is cause, or the schedule when the writer named none.
func causeOr(cause task.NextRunCause) task.NextRunCause {
	if cause == "" {
		return task.CauseSchedule
	}
	return cause
}

// depthOr stores an unset depth as routine, the column's default.
func depthOr(d task.Depth) task.Depth {
	if d == "" {
		return task.DepthRoutine
	}
	return d
}
