package store

import (
	"context"
	"fmt"
	"time"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// RetentionBatch is how many runs one retention statement deletes: small enough that each
// statement's locks and WAL are brief, large enough that a year's backlog clears in days.
const RetentionBatch = 1000

// DeleteExpiredRuns deletes finished runs created before before, batch rows per statement (each
// its own transaction), until a batch comes back short or maxBatches statements ran. It keeps
// runs that notified (with their deliveries and attempts, which a deleted run's cascade would
// take) and each task's latest run. It returns how many runs it deleted.
func (s *Store) DeleteExpiredRuns(ctx context.Context, before time.Time, batch, maxBatches int) (int, error) {
	if batch <= 0 {
		batch = RetentionBatch
	}
	total := 0
	for i := 0; i < maxBatches; i++ {
		n, err := s.q.DeleteExpiredRuns(ctx, db.DeleteExpiredRunsParams{Before: before, MaxRows: batch})
		total += int(n)
		if err != nil {
			return total, fmt.Errorf("deleting expired runs: %w", translate(err))
		}
		if n < int64(batch) {
			break
		}
	}
	return total, nil
}
