package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// MonthSpends returns the estimated cost in US dollars of each of the user's tasks' runs
// that finished in now's calendar month (UTC), failed attempts included, keyed by task id, in one
// query, so a page of tasks costs one round trip. Every id asked for has an entry: 0 when its
// runs cost nothing this month, or when it is not the user's (it then has no runs of theirs).
func (s *Store) MonthSpends(ctx context.Context, userID uuid.UUID, taskIDs []uuid.UUID, now time.Time) (map[uuid.UUID]float64, error) {
	out := make(map[uuid.UUID]float64, len(taskIDs))
	for _, id := range taskIDs {
		out[id] = 0
	}
	if len(taskIDs) == 0 {
		return out, nil
	}
	rows, err := s.q.MonthSpends(ctx, db.MonthSpendsParams{UserID: userID, TaskIds: taskIDs, Month: monthOf(now)})
	if err != nil {
		return nil, fmt.Errorf("reading the month's spend: %w", translate(err))
	}
	for _, r := range rows {
		out[r.TaskID] = r.Total
	}
	return out, nil
}

// monthOf is the calendar month (UTC) that holds now, as the date of its first day: the month
// the running spend totals (users.spend_month, tasks.spend_month) are kept for.
func monthOf(now time.Time) pgtype.Date {
	u := now.UTC()
	return pgtype.Date{Time: time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC), Valid: true}
}

// addSpend adds a finishing attempt's cost to its task's and its user's totals for the month it
// finishes in, inside the finish's transaction.
func addSpend(ctx context.Context, q *db.Queries, o Outcome) error {
	if o.Usage.CostUSD <= 0 {
		return nil
	}
	err := q.AddSpend(ctx, db.AddSpendParams{Month: monthOf(o.Now), Cost: o.Usage.CostUSD, ExecutionID: o.ExecutionID,
		TaskID: o.TaskID, UserID: o.UserID})
	if err != nil {
		return fmt.Errorf("adding the run's cost to the month's spend: %w", translate(err))
	}
	return nil
}

// UserMonthSpend is what all the user's runs that finished in now's calendar month (UTC) cost,
// in US dollars, and the user's own cap (nil: the platform's); ErrNotFound when there is no
// such user.
func (s *Store) UserMonthSpend(ctx context.Context, userID uuid.UUID, now time.Time) (spent float64, capUSD *float64, err error) {
	r, err := s.q.UserMonthSpend(ctx, db.UserMonthSpendParams{UserID: userID, Month: monthOf(now)})
	if err != nil {
		return 0, nil, fmt.Errorf("reading the user's spend this month: %w", translate(err))
	}
	return r.Total, r.UserCap, nil
}

// TaskUsage is what a task's runs cost this month and how many of them cost anything, beside
// what all its owner's runs cost this month and the owner's own cap (nil: the platform's).
type TaskUsage = task.MonthSpend

// TaskMonthUsage returns what the task's runs that finished in now's calendar month (UTC) cost,
// and its owner's spend and cap, in one statement; ErrNotFound when there is no such user.
func (s *Store) TaskMonthUsage(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (TaskUsage, error) {
	r, err := s.q.TaskMonthUsage(ctx, db.TaskMonthUsageParams{TaskID: taskID, UserID: userID, Month: monthOf(now)})
	if err != nil {
		return TaskUsage{}, fmt.Errorf("reading the task's spend this month: %w", translate(err))
	}
	return TaskUsage{SpentUSD: r.Total, PaidRuns: r.PaidRuns, UserSpentUSD: r.UserTotal, UserCapUSD: r.UserCap}, nil
}

// SetTaskBudget sets (nil: removes) the task's monthly budget. ErrNotFound when the task is not
// the user's.
func (s *Store) SetTaskBudget(ctx context.Context, userID, taskID uuid.UUID, budget *float64) error {
	n, err := s.q.SetTaskBudget(ctx, db.SetTaskBudgetParams{Budget: budget, ID: taskID, UserID: userID})
	if err != nil {
		return fmt.Errorf("setting the task's budget: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetUserSpendCap sets (nil: back to the platform's) a user's monthly spend cap. ErrNotFound when
// there is no such user.
func (s *Store) SetUserSpendCap(ctx context.Context, userID uuid.UUID, capUSD *float64) error {
	n, err := s.q.SetUserSpendCap(ctx, db.SetUserSpendCapParams{Cap: capUSD, ID: userID})
	if err != nil {
		return fmt.Errorf("setting the user's spend cap: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
