package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
)

// The methods in this file read across users for the reconcile pass and the run gate, which
// act for the system, never for a caller.

// GetTaskRunAlive returns the user's task and whether an attempt of the run a trigger names is
// running inside its deadline: a manual run by its id (executionID), a scheduled fire by (task,
// scheduledFor; both nil: the fire of the task's next run, as schedule.FireOf names it). Such a
// trigger is a duplicate or a redelivery while the attempt lives; it is held back rather than
// dropped, so that if the attempt's process died, the trigger comes back after the deadline and
// runs it. One statement reads it all, with what a run reads besides the task (t.RunReads: its
// recent results, its memory's facts, now's month's spend and its open alerts' causes);
// ErrNotFound when the task is missing or not theirs.
func (s *Store) GetTaskRunAlive(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, scheduledFor *time.Time, now time.Time) (task.Task, bool, error) {
	r, err := s.q.GetTaskRunAlive(ctx, db.GetTaskRunAliveParams{TaskID: taskID, UserID: userID, ExecutionID: executionID,
		ScheduledFor: scheduledFor, Now: &now, RecentRows: task.RecentResultsRead, Facts: task.FactsRecalled, Month: monthOf(now)})
	if err != nil {
		return task.Task{}, false, fmt.Errorf("reading the task to run: %w", translate(err))
	}
	var recent []doc.Result
	if err := json.Unmarshal(r.RecentResults, &recent); err != nil {
		return task.Task{}, false, fmt.Errorf("reading the task's recent results: %w", err)
	}
	t := taskOf(r.Task)
	t.RunReads = &task.RunReads{Recent: make([]task.Result, len(recent)), Facts: r.Facts, Spend: TaskUsage{SpentUSD: r.SpendTotal,
		PaidRuns: r.SpendPaidRuns, UserSpentUSD: r.UserSpendTotal, UserCapUSD: r.UserCap},
		OpenAlertCauses: make([]task.AlertCause, len(r.OpenAlertCauses))}
	for i := range recent {
		t.RunReads.Recent[i] = *recent[i].Task()
	}
	for i, c := range r.OpenAlertCauses {
		t.RunReads.OpenAlertCauses[i] = task.AlertCause(c)
	}
	return t, r.Alive, nil
}

// TasksWithJobs returns every task that needs a scheduler job (active or paused), so
// reconcile can compare them with the jobs that exist.
func (s *Store) TasksWithJobs(ctx context.Context) ([]task.Task, error) {
	rows, err := s.q.TasksWithJobs(ctx)
	return mapAll(rows, err, "listing scheduled tasks", taskOf)
}

// StaleNextRuns returns active tasks, due before now, whose due fire already has a finished
// run: their next run was never moved on (the run was reaped, or an edit raced the run's end),
// so no trigger would ever run them again.
func (s *Store) StaleNextRuns(ctx context.Context, now time.Time, limit int) ([]task.Task, error) {
	rows, err := s.q.StaleNextRuns(ctx, db.StaleNextRunsParams{Now: now, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing stale next runs", taskOf)
}

// MoveNextRun sets an active task's next run to to, if it is still from; it reports whether it
// did. It leaves updated_at alone: this is a repair, not an edit.
func (s *Store) MoveNextRun(ctx context.Context, userID, taskID uuid.UUID, from, to time.Time) (bool, error) {
	n, err := s.q.MoveNextRun(ctx, db.MoveNextRunParams{ID: taskID, UserID: userID, FromTime: from, ToTime: to})
	if err != nil {
		return false, fmt.Errorf("moving next run: %w", translate(err))
	}
	return n == 1, nil
}

// Overdue is an active task whose run should have started by now and did not.
type Overdue struct {
	TaskID    uuid.UUID
	UserID    uuid.UUID
	NextRunAt time.Time
}

// OverdueTasks lists active tasks due before before with no unfinished run: their trigger was
// lost (a job missing or late, a message dropped past the retry horizon).
func (s *Store) OverdueTasks(ctx context.Context, before time.Time, limit int) ([]Overdue, error) {
	rows, err := s.q.OverdueTasks(ctx, db.OverdueTasksParams{Before: before, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing overdue tasks", func(r db.OverdueTasksRow) Overdue {
		// overdue tasks have a next run: the query selected them by it
		return Overdue{TaskID: r.ID, UserID: r.UserID, NextRunAt: *r.NextRunAt}
	})
}

// UnpublishedDeliveries lists pending outbox rows written before before whose notify message
// never went out (the runner stopped between storing the result and publishing), oldest first.
func (s *Store) UnpublishedDeliveries(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error) {
	ids, err := s.q.UnpublishedDeliveries(ctx, db.UnpublishedDeliveriesParams{Before: before, MaxRows: int32(limit)})
	return mapAll(ids, err, "listing unpublished deliveries", func(id uuid.UUID) uuid.UUID { return id })
}

// MarkPublished records that notify messages for ids went out.
func (s *Store) MarkPublished(ctx context.Context, ids []uuid.UUID, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.q.MarkPublished(ctx, db.MarkPublishedParams{Ids: ids, At: at}); err != nil {
		return fmt.Errorf("marking deliveries published: %w", translate(err))
	}
	return nil
}

// reconcileLockKey is the advisory lock one reconcile pass holds.
const reconcileLockKey = 7446172

// TryReconcileLock takes the lock that keeps reconcile passes from overlapping, on a
// connection of its own. ok is false when another pass holds it; release gives it back.
func (s *Store) TryReconcileLock(ctx context.Context) (release func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("taking the reconcile lock: %w", translate(err))
	}
	q := db.New(conn)
	if ok, err = q.TryAdvisoryLock(ctx, reconcileLockKey); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("taking the reconcile lock: %w", translate(err))
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := q.AdvisoryUnlock(ctx, reconcileLockKey); err != nil {
			// The session still holds the lock: close the connection rather than pool it.
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
	}, true, nil
}
