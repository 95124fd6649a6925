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
	return inBatches(maxBatches, batch, func() (int64, error) {
		n, err := s.q.DeleteExpiredRuns(ctx, db.DeleteExpiredRunsParams{Before: before, MaxRows: batch})
		if err != nil {
			return n, fmt.Errorf("deleting expired runs: %w", translate(err))
		}
		return n, nil
	})
}

// inBatches runs one retention statement (each its own transaction) until a batch comes back
// short of batch rows or maxBatches ran, and returns the rows deleted.
func inBatches(maxBatches, batch int, deleteBatch func() (int64, error)) (int, error) {
	total := 0
	for i := 0; i < maxBatches; i++ {
		n, err := deleteBatch()
		total += int(n)
		if err != nil {
			return total, err
		}
		if n < int64(batch) {
			break
		}
	}
	return total, nil
}
