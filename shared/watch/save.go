package watch

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// A task change calls the trigger (Cloud Scheduler, over the network) outside any database
// transaction, so that no row lock or pool connection is held across the call: the task is
// read with its version, the trigger is synced, and the write then succeeds only if the row is
// still at that version. When the write loses (a run ended, the sweep claimed the task,
// another edit landed) the change is computed again from the fresh row; when it fails for
// good, the trigger is put back in step with the stored row. A refused trigger call stores
// nothing. A crash between the trigger call and the write leaves a job that differs from its
// row, which reconcile repairs (invariant 4).

// maxSaveAttempts bounds how often a change is recomputed because its row changed meanwhile.
const maxSaveAttempts = 5

// busyTask is the answer when the row kept changing under every attempt.
func busyTask() error {
	return &store.ConflictError{Reason: "The task kept changing while it was being saved; try again."}
}

// create syncs the trigger of a task not stored yet, then stores it; a task the store refuses
// (the active cap) loses the job made for it.
func (s *Service) create(ctx context.Context, n store.NewTask) (task.Task, error) {
	planned := task.Task{ID: uuid.New(), UserID: n.UserID, Name: n.Name, NameIsDefault: n.NameIsDefault,
		SearchQuery: n.SearchQuery, ConditionDescription: n.ConditionDescription, Schedule: n.Schedule,
		Timezone: n.Timezone, NotifyBehavior: n.NotifyBehavior, Depth: n.Depth, Notifications: n.Notifications,
		State: n.State, NextRunAt: n.NextRunAt, NextRunCause: n.NextRunCause, URLs: n.URLs, Context: n.Context}
	if err := s.syncTrigger(ctx, planned); err != nil {
		return task.Task{}, err
	}
	t, err := s.store.CreateTaskCapped(ctx, planned.ID, n, s.maxActive)
	if err != nil {
		if s.trigger != nil {
			s.restoreTrigger(ctx, n.UserID, planned.ID)
		}
		return task.Task{}, limitOf(err)
	}
	return t, nil
}

// save applies change to the user's task as described above. A change that makes the task
// active is held to the active cap, atomically, by the store.
func (s *Service) save(ctx context.Context, userID, id uuid.UUID, change func(task.Task) (task.Task, error)) (task.Task, error) {
	synced := false // the trigger reflects a version that is not stored
	fail := func(err error) (task.Task, error) {
		if synced {
			s.restoreTrigger(ctx, userID, id)
		}
		return task.Task{}, limitOf(err)
	}
	for attempt := 1; ; attempt++ {
		cur, v, err := s.store.GetTaskVersion(ctx, userID, id)
		if err != nil {
			return fail(err)
		}
		next, err := change(cur)
		if err != nil {
			return fail(err)
		}
		if next.State == task.StateActive && cur.State != task.StateActive {
			if err := s.checkActiveCap(ctx, userID); err != nil {
				return fail(err)
			}
		}
		if err := s.syncTrigger(ctx, next); err != nil {
			return fail(err)
		}
		synced = s.trigger != nil
		out, err := s.store.SaveTask(ctx, userID, next, v, s.maxActive)
		switch {
		case errors.Is(err, store.ErrStale) && attempt < maxSaveAttempts:
			continue
		case errors.Is(err, store.ErrStale):
			return fail(busyTask())
		case err != nil:
			return fail(err)
		}
		if cur.State == task.StateActive && out.State != task.StateActive {
			s.closeRunAlerts(ctx, out)
		}
		return out, nil
	}
}

// closeRunAlerts quietly closes the alerts about a task's runs when it stops running (paused or
// completed): nothing is late or failing any more, and there is no recovery to tell. A failure
// is only logged; the next run closes them anyway.
func (s *Service) closeRunAlerts(ctx context.Context, t task.Task) {
	if _, _, err := s.store.ResolveAlerts(ctx, t.UserID, t.ID, task.RunCauses, s.now(), nil); err != nil {
		s.log.WarnContext(ctx, "closing a stopped task's alerts", slog.String("task_id", t.ID.String()), slog.String("error", err.Error()))
	}
}

// Delete removes the user's task, its runs and its notifications: the trigger first, then the
// row, if it did not change meanwhile.
func (s *Service) Delete(ctx context.Context, userID, id uuid.UUID) error {
	removed := false // the trigger is gone, the row not yet
	fail := func(err error) error {
		if removed {
			s.restoreTrigger(ctx, userID, id)
		}
		return err
	}
	for attempt := 1; ; attempt++ {
		cur, v, err := s.store.GetTaskVersion(ctx, userID, id)
		if err != nil {
			return fail(err)
		}
		if err := s.removeTrigger(ctx, cur); err != nil {
			return fail(err)
		}
		removed = s.trigger != nil
		err = s.store.DeleteTaskVersion(ctx, userID, id, v)
		switch {
		case errors.Is(err, store.ErrStale) && attempt < maxSaveAttempts:
			continue
		case errors.Is(err, store.ErrStale):
			return fail(busyTask())
		case err != nil:
			return fail(err)
		}
		return nil
	}
}

func (s *Service) syncTrigger(ctx context.Context, t task.Task) error {
	if s.trigger == nil {
		return nil
	}
	return s.trigger.Sync(ctx, t)
}

func (s *Service) removeTrigger(ctx context.Context, t task.Task) error {
	if s.trigger == nil {
		return nil
	}
	return s.trigger.Remove(ctx, t)
}

// restoreTrigger brings the task's trigger back in step with the stored row (or removes it
// when there is no row) after a change that moved the trigger was not stored. It goes on when
// the caller has gone, since the job is already wrong; if it fails, reconcile repairs the job.
func (s *Service) restoreTrigger(ctx context.Context, userID, id uuid.UUID) {
	ctx = context.WithoutCancel(ctx)
	t, err := s.store.GetTask(ctx, userID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = s.trigger.Remove(ctx, task.Task{ID: id, UserID: userID})
	case err == nil:
		err = s.trigger.Sync(ctx, t)
	}
	if err != nil {
		s.log.WarnContext(ctx, "restoring a task's trigger failed; reconcile will repair it",
			slog.String("task_id", id.String()), slog.String("error", err.Error()))
	}
}

// limitOf turns the store's cap refusal into the user's LimitError.
func limitOf(err error) error {
	var ce *store.ActiveCapError
	if errors.As(err, &ce) {
		return activeLimit(ce.Active)
	}
	return err
}
