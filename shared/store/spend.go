package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// MonthSpends returns the estimated cost in US dollars of each of the user's tasks' runs
// created in now's calendar month (UTC), failed attempts included, keyed by task id, in one
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
	u := now.UTC()
	start := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	rows, err := s.q.MonthSpends(ctx, db.MonthSpendsParams{UserID: userID, TaskIds: taskIDs, MonthStart: start,
		MonthEnd: start.AddDate(0, 1, 0)})
	if err != nil {
		return nil, fmt.Errorf("reading the month's spend: %w", translate(err))
	}
	for _, r := range rows {
		out[r.TaskID] = r.Total
	}
	return out, nil
}
