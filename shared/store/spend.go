package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// MonthSpend returns the estimated cost in US dollars of the task's runs created in now's
// calendar month (UTC), failed attempts included. It returns ErrNotFound when the task is not
// the user's.
func (s *Store) MonthSpend(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (float64, error) {
	u := now.UTC()
	start := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	total, err := s.q.MonthSpend(ctx, db.MonthSpendParams{TaskID: taskID, UserID: userID, MonthStart: start,
		MonthEnd: start.AddDate(0, 1, 0)})
	if err != nil {
		return 0, fmt.Errorf("reading the month's spend: %w", translate(err))
	}
	return total, nil
}
