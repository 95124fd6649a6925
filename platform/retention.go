package platform

import (
	"context"
	"log/slog"
	"time"
)

// retentionBatches bounds one retention pass: at most this many statements of
// store.RetentionBatch runs each, so a pass is a few seconds however large the backlog; the
// next pass (the next tick) goes on where it stopped.
const retentionBatches = 10

// ExpireRuns deletes one pass of runs older than TORALE_EXECUTION_RETENTION that notified
// nobody (store.DeleteExpiredRuns) and returns how many, then one pass of the findings no run
// has seen for TORALE_FINDINGS_RETENTION (store.DeleteExpiredFindings), which it logs; either
// retention off does nothing.
func (p *Platform) ExpireRuns(ctx context.Context) (int, error) {
	if p.store == nil {
		return 0, nil
	}
	// Idle rate-limit buckets go too: the public routes make one per client address.
	if _, err := p.store.PruneRateBuckets(ctx, p.now().Add(-time.Hour), 10000); err != nil {
		p.log.WarnContext(ctx, "pruning rate-limit buckets failed", slog.String("error", err.Error()))
	}
	runs := 0
	if p.retention > 0 {
		n, err := p.store.DeleteExpiredRuns(ctx, p.now().Add(-p.retention), 0, retentionBatches)
		if err != nil {
			return n, err
		}
		runs = n
	}
	if p.findingsRetention > 0 {
		n, err := p.store.DeleteExpiredFindings(ctx, p.now().Add(-p.findingsRetention), 0, retentionBatches)
		if err != nil {
			return runs, err
		}
		if n > 0 {
			p.log.InfoContext(ctx, "findings retention", slog.Int("deleted", n))
		}
	}
	return runs, nil
}

// expireEvery runs ExpireRuns and the overdue check every interval until ctx ends; torale
// dev's stand-in for the tick.
func (p *Platform) expireEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := p.ExpireRuns(ctx); err != nil && ctx.Err() == nil {
			p.log.WarnContext(ctx, "execution retention failed", slog.String("error", err.Error()))
		} else if n > 0 {
			p.log.InfoContext(ctx, "execution retention", slog.Int("deleted", n))
		}
		if p.Alerts != nil {
			if _, err := p.Alerts.CheckOverdue(ctx); err != nil && ctx.Err() == nil {
				p.log.WarnContext(ctx, "checking for overdue watches failed", slog.String("error", err.Error()))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
