package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// TaskView is a task with what its API view carries besides: its latest run, what its runs cost
// this calendar month (UTC, in US dollars) and why its recent runs stayed silent.
type TaskView struct {
	Task task.Task
	// Last is the run last_execution_id names, nil without one.
	Last          *task.Execution
	MonthSpendUSD float64
	// Silence counts the task's last SilenceRuns finished runs.
	Silence task.SilenceSummary
	// OpenAlerts are the task's alerts that are not over, oldest first; usually none.
	OpenAlerts []task.Alert
}

// ListTaskViews returns a page of the user's tasks as ListTasks does, each with its view's
// extras, in one statement: a page costs one round trip, not four.
func (s *Store) ListTaskViews(ctx context.Context, userID uuid.UUID, f TaskFilter, now time.Time) ([]TaskView, error) {
	at, id := keyset(f.After)
	rows, err := s.q.ListTaskViews(ctx, db.ListTaskViewsParams{UserID: userID, State: string(f.State),
		AfterAt: at, AfterID: id, MaxRows: int32(f.Limit), Month: monthOf(now), SilenceRuns: SilenceRuns})
	return mapAll(rows, err, "listing tasks", taskViewOf)
}

// GetTaskView returns one of the user's tasks with its view's extras, in one statement;
// ErrNotFound when the task is missing or someone else's.
func (s *Store) GetTaskView(ctx context.Context, userID, id uuid.UUID, now time.Time) (TaskView, error) {
	r, err := s.q.GetTaskView(ctx, db.GetTaskViewParams{UserID: userID, ID: id, Month: monthOf(now),
		SilenceRuns: SilenceRuns})
	if err != nil {
		return TaskView{}, fmt.Errorf("reading task: %w", translate(err))
	}
	return taskViewOf(db.ListTaskViewsRow(r)), nil
}

func taskViewOf(r db.ListTaskViewsRow) TaskView {
	v := TaskView{Task: taskOf(r.Task), MonthSpendUSD: r.MonthSpendUsd,
		Silence: task.SilenceSummary{Runs: r.SilenceRuns, Silent: r.SilenceSilent, ByReason: make(map[task.SilenceReason]int, len(r.SilenceReasons))}}
	for i, reason := range r.SilenceReasons {
		if i < len(r.SilenceCounts) && task.SilenceReason(reason).Valid() {
			v.Silence.ByReason[task.SilenceReason(reason)] += r.SilenceCounts[i]
		}
	}
	if len(r.OpenAlerts) > 2 { // "[]" when none
		var open []struct {
			ID       uuid.UUID       `json:"id"`
			Cause    task.AlertCause `json:"cause"`
			Message  string          `json:"message"`
			Advice   string          `json:"advice"`
			OpenedAt time.Time       `json:"opened_at"`
		}
		// The statement built this JSON itself; a value it cannot have made is dropped, not fatal.
		if json.Unmarshal(r.OpenAlerts, &open) == nil {
			for _, a := range open {
				v.OpenAlerts = append(v.OpenAlerts, task.Alert{ID: a.ID, UserID: r.Task.UserID, TaskID: r.Task.ID,
					Cause: a.Cause, Message: a.Message, Advice: a.Advice, OpenedAt: a.OpenedAt})
			}
		}
	}
	if r.LeID != nil {
		e := executionOf(db.Execution{ID: *r.LeID, TaskID: r.Task.ID, UserID: r.Task.UserID, ScheduledFor: r.LeScheduledFor,
			Trigger: task.Trigger(r.LeTrigger), Status: task.Status(r.LeStatus), Attempt: deref(r.LeAttempt),
			CreatedAt: deref(r.LeCreatedAt), StartedAt: r.LeStartedAt, FinishedAt: r.LeFinishedAt, DeadlineAt: r.LeDeadlineAt,
			Result: r.LeResult, Error: r.LeError, InternalError: r.LeInternalError, ErrorCategory: r.LeErrorCategory,
			Model: deref(r.LeModel), PromptTokens: deref(r.LePromptTokens), OutputTokens: deref(r.LeOutputTokens),
			SearchQueries: deref(r.LeSearchQueries), CostUsd: r.LeCostUsd, SilenceReason: r.LeSilenceReason})
		v.Last = &e
	}
	return v
}

// deref is *p, or the zero value for nil: a column of a LEFT JOIN's missing row.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ListTaskViewsByKey is ListTaskViews for the owner of the unrevoked API key whose hash is
// given, authenticated in the same statement (which also records the key's use, at most once a
// minute): a revoked key reads nothing from the next request on, on every instance. No views
// means the key is unknown or revoked, or the page is empty; the caller tells them apart by
// authenticating on its own.
func (s *Store) ListTaskViewsByKey(ctx context.Context, keyHash []byte, f TaskFilter, now time.Time) ([]TaskView, error) {
	at, id := keyset(f.After)
	rows, err := s.q.ListTaskViewsByKey(ctx, db.ListTaskViewsByKeyParams{KeyHash: keyHash, UsedAt: now, State: string(f.State),
		AfterAt: at, AfterID: id, MaxRows: int32(f.Limit), Month: monthOf(now), SilenceRuns: SilenceRuns})
	return mapAll(rows, err, "listing tasks", func(r db.ListTaskViewsByKeyRow) TaskView {
		return taskViewOf(db.ListTaskViewsRow(r))
	})
}

// GetTaskViewByKey is GetTaskView for the owner of the unrevoked API key whose hash is given,
// authenticated in the same statement; ErrNotFound when the key is unknown or revoked or the
// task is not its owner's.
func (s *Store) GetTaskViewByKey(ctx context.Context, keyHash []byte, id uuid.UUID, now time.Time) (TaskView, error) {
	r, err := s.q.GetTaskViewByKey(ctx, db.GetTaskViewByKeyParams{KeyHash: keyHash, UsedAt: now, ID: id, Month: monthOf(now),
		SilenceRuns: SilenceRuns})
	if err != nil {
		return TaskView{}, fmt.Errorf("reading task: %w", translate(err))
	}
	return taskViewOf(db.ListTaskViewsRow(r)), nil
}
