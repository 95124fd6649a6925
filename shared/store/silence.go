package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// SilenceRuns is how many of a task's most recent finished runs a silence summary counts.
const SilenceRuns = 50

// SilenceSummaries counts why each of the user's tasks' last SilenceRuns finished runs stayed
// silent, for a whole page of tasks in one query. Every id asked for has an entry; a task
// without finished runs has an empty one.
func (s *Store) SilenceSummaries(ctx context.Context, userID uuid.UUID, taskIDs []uuid.UUID) (map[uuid.UUID]task.SilenceSummary, error) {
	out := make(map[uuid.UUID]task.SilenceSummary, len(taskIDs))
	for _, id := range taskIDs {
		out[id] = task.SilenceSummary{ByReason: map[task.SilenceReason]int{}}
	}
	if len(taskIDs) == 0 {
		return out, nil
	}
	rows, err := s.q.SilenceCounts(ctx, db.SilenceCountsParams{MaxRuns: SilenceRuns, UserID: userID, TaskIds: taskIDs})
	if err != nil {
		return nil, fmt.Errorf("counting silent runs: %w", translate(err))
	}
	for _, r := range rows {
		sum, ok := out[r.TaskID]
		if !ok {
			continue
		}
		sum.Runs += r.Runs
		if r.Notified == nil || !*r.Notified {
			sum.Silent += r.Runs
			if reason := task.SilenceReason(r.SilenceReason); reason.Valid() {
				sum.ByReason[reason] += r.Runs
			}
		}
		out[r.TaskID] = sum
	}
	return out, nil
}
