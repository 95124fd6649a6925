package watch

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/task"
)

// Patch is a partial change to a task: nil fields stay as they are.
type Patch struct {
	Name                 *string
	SearchQuery          *string
	ConditionDescription *string
	Schedule             *string
	Timezone             *string
	NotifyBehavior       *task.NotifyBehavior
	Depth                *task.Depth
	Notifications        *[]task.Notification
	State                *task.State
	// URLs replaces the pages the task reads (an empty list reads none); Context its background.
	URLs    *[]string
	Context *string
	// Public publishes or hides the watch; PublicContextOK confirms that its context may shape
	// its public results (see applyPublic).
	Public          *bool
	PublicContextOK *bool
}

// Update applies p to the user's task. The definition is validated as a whole; a new schedule
// or time zone moves the next run to the new schedule's next fire; a state change follows the
// state machine. All of it is stored together or not at all.
func (s *Service) Update(ctx context.Context, userID, id uuid.UUID, p Patch) (task.Task, error) {
	if p.Notifications != nil {
		if err := s.checkChannels(ctx, userID, *p.Notifications); err != nil {
			return task.Task{}, err
		}
	}
	return s.save(ctx, userID, id, func(cur task.Task) (task.Task, error) {
		next, err := s.applyDefinition(cur, p)
		if err != nil {
			return task.Task{}, err
		}
		if p.State != nil {
			if next, err = s.transition(next, *p.State); err != nil {
				return task.Task{}, err
			}
		}
		return s.applyPublic(cur, next, p)
	})
}

// SetState moves the user's task to state to (pause, resume, complete, restart).
func (s *Service) SetState(ctx context.Context, userID, id uuid.UUID, to task.State) (task.Task, error) {
	return s.Update(ctx, userID, id, Patch{State: &to})
}

func (s *Service) applyDefinition(cur task.Task, p Patch) (task.Task, error) {
	d := task.Draft{Name: cur.Name, SearchQuery: cur.SearchQuery, ConditionDescription: cur.ConditionDescription,
		Schedule: cur.Schedule, Timezone: cur.Timezone, NotifyBehavior: cur.NotifyBehavior, Depth: cur.Depth, Notifications: cur.Notifications,
		URLs: cur.URLs, Context: cur.Context, Mode: cur.Mode}
	if cur.NameIsDefault && p.Name == nil {
		d.Name = "" // a derived name follows a changed query
	}
	set(&d.Name, p.Name)
	set(&d.SearchQuery, p.SearchQuery)
	set(&d.ConditionDescription, p.ConditionDescription)
	if p.SearchQuery != nil && p.ConditionDescription == nil && cur.ConditionDescription == cur.SearchQuery {
		d.ConditionDescription = "" // a defaulted condition follows a changed query
	}
	set(&d.Schedule, p.Schedule)
	set(&d.Timezone, p.Timezone)
	set(&d.NotifyBehavior, p.NotifyBehavior)
	set(&d.Depth, p.Depth)
	set(&d.Notifications, p.Notifications)
	set(&d.URLs, p.URLs)
	set(&d.Context, p.Context)
	n, err := normalize(d, s.rules)
	if err != nil {
		return task.Task{}, err
	}
	next := cur
	next.Name, next.NameIsDefault = n.Name, n.NameIsDefault()
	next.SearchQuery, next.ConditionDescription = n.SearchQuery, n.ConditionDescription
	next.Schedule, next.Timezone = n.Schedule, n.Timezone
	next.NotifyBehavior, next.Notifications, next.Depth = n.NotifyBehavior, n.Notifications, n.Depth
	next.URLs, next.Context = n.URLs, n.Context
	if (n.Schedule != cur.Schedule || n.Timezone != cur.Timezone) && n.Schedule != "" {
		at, err := task.FirstRun(n.Schedule, n.Timezone, false, s.now())
		if err != nil {
			return task.Task{}, err
		}
		next.NextRunAt, next.NextRunCause = &at, task.CauseSchedule
	}
	return next, nil
}

// transition moves t to state to. Activating runs the task within the next sweep, as a new
// task does; pausing and completing keep next_run_at for the record.
func (s *Service) transition(t task.Task, to task.State) (task.Task, error) {
	if err := task.Transition(t.State, to); err != nil {
		return task.Task{}, err
	}
	if t.State == to {
		return t, nil
	}
	now := s.now()
	t.State, t.StateChangedAt = to, now
	if to == task.StateActive {
		t.NextRunAt, t.NextRunCause = &now, task.CauseResumed
	}
	return t, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Preview runs the agent once on an unsaved definition and returns what it decided. It stores
// nothing and notifies nobody. A change-mode watch asks no agent, so it has no preview: its
// first run keeps its pages as the baseline.
func (s *Service) Preview(ctx context.Context, d task.Draft) (agent.Output, error) {
	n, err := normalize(d, s.rules)
	if err != nil {
		return agent.Output{}, err
	}
	if n.Mode == task.ModeChange {
		return agent.Output{}, &task.ValidationError{Fields: []task.FieldError{{Field: "mode",
			Message: "a change-mode watch has no preview: it asks no agent, and its first run keeps the pages as they are now, to compare later runs with"}}}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.agent.Run(ctx, agent.Input{SearchQuery: n.SearchQuery, ConditionDescription: n.ConditionDescription,
		Timezone: n.Timezone, NotifyBehavior: n.NotifyBehavior, Now: s.now(), URLs: n.URLs, Context: n.Context})
}
