package watch

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// MaxBudgetUSD is the largest monthly budget a task may carry.
const MaxBudgetUSD = 100_000

// Alerts returns a page of the user's alerts, newest first; only open ones when openOnly.
func (s *Service) Alerts(ctx context.Context, userID uuid.UUID, openOnly bool, limit int, after *store.Cursor) ([]store.ListedAlert, error) {
	return s.store.ListAlerts(ctx, userID, openOnly, limit, after)
}

// CheckBudget refuses a monthly budget that is not 0 ("no budget") or an amount of dollars from
// a cent to MaxBudgetUSD (budgets are kept to the cent); field names it in the error.
func CheckBudget(field string, usd float64) error {
	if math.IsNaN(usd) || usd < 0 || usd > MaxBudgetUSD || (usd > 0 && usd < 0.01) {
		return &task.ValidationError{Fields: []task.FieldError{{Field: field,
			Message: "must be an amount of US dollars from 0.01 to 100000, or 0 for no budget"}}}
	}
	return nil
}

// SetBudget sets the task's monthly budget in US dollars (0 removes it) and returns the task.
// It does not change the task's version: a budget moves no run.
func (s *Service) SetBudget(ctx context.Context, userID, taskID uuid.UUID, usd float64) (task.Task, error) {
	if err := CheckBudget("monthly_budget_usd", usd); err != nil {
		return task.Task{}, err
	}
	var b *float64
	if usd > 0 {
		b = &usd
	}
	if err := s.store.SetTaskBudget(ctx, userID, taskID, b); err != nil {
		return task.Task{}, err
	}
	return s.store.GetTask(ctx, userID, taskID)
}
