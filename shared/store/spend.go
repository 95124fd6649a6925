package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// MonthSpend returns the estimated cost in US dollars of the task's runs created in now's
// calendar month (UTC), failed attempts included. It returns ErrNotFound when the task is not
// the user's.
func (s *Store) MonthSpend(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (float64, error) {
	u := now.UTC()
	start := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	var total float64
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(SUM(e.cost_usd), 0)::float8
		FROM tasks t LEFT JOIN executions e ON e.task_id = t.id AND e.created_at >= $3 AND e.created_at < $4
		WHERE t.id = $1 AND t.user_id = $2 GROUP BY t.id`,
		taskID, userID, start, start.AddDate(0, 1, 0)).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("reading the month's spend: %w", translate(err))
	}
	return total, nil
}
