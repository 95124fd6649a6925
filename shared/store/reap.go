package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// Reap says which runs ReapRuns takes back and what becomes of them.
type Reap struct {
	Now time.Time
	// MaxAttempts is the runner's: a run on an earlier attempt is retried, the last one fails.
	MaxAttempts int
	// RetryBy is the deadline of a reaped run's retry: it is failed if no attempt starts by then.
	RetryBy time.Time
	// StartedBefore, when set, also takes back every run started before it, whatever its
	// deadline: only a process that is the sole runner of its database may set it, at its start,
	// since no attempt begun before it can still be alive.
	StartedBefore *time.Time
}

// Reaped is a run ReapRuns took back; Retry says it waits for a new attempt, else it failed.
type Reaped struct {
	PendingRun
	Retry bool
}

// ReapRuns takes back runs whose attempt died (see Reap) and returns them, so the caller can
// trigger the retries at once instead of leaving them for the next reconcile pass. It is a cheap
// step of every sweep: it reads only unfinished runs through their partial index.
func (s *Store) ReapRuns(ctx context.Context, r Reap) ([]Reaped, error) {
	rows, err := s.q.ReapStuckRuns(ctx, db.ReapStuckRunsParams{MaxAttempts: r.MaxAttempts, Now: r.Now,
		RetryBy: r.RetryBy, StartedBefore: r.StartedBefore})
	return mapAll(rows, err, "reaping stuck runs", func(row db.ReapStuckRunsRow) Reaped {
		return Reaped{PendingRun: PendingRun{ExecutionID: row.ID, TaskID: row.TaskID, UserID: row.UserID,
			ScheduledFor: row.ScheduledFor}, Retry: row.Status == task.StatusRetrying}
	})
}

// CancelPendingFire cancels the claimed fire of a task that is no longer active, if no attempt
// has taken it, so it neither waits forever nor keeps the task from being claimed once resumed.
func (s *Store) CancelPendingFire(ctx context.Context, userID, taskID uuid.UUID, scheduledFor, now time.Time) error {
	if _, err := s.q.CancelPendingFire(ctx, db.CancelPendingFireParams{TaskID: taskID, UserID: userID,
		ScheduledFor: &scheduledFor, Now: &now}); err != nil {
		return fmt.Errorf("cancelling a fire that will not run: %w", translate(err))
	}
	return nil
}
