// Package schedule turns due tasks into run-task triggers. In sweep mode a periodic pass claims
// due tasks in the database and publishes one message each; the tick function runs one pass a
// minute on Google Cloud, and torale dev runs one a second.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
)

// Claimer is the database side of a sweep.
type Claimer interface {
	ClaimDueTasks(ctx context.Context, now, leaseUntil time.Time, limit int) ([]store.Claim, error)
}

// Reaper takes back runs whose attempt died and triggers their retries; runner.Reaper is the
// real one.
type Reaper interface {
	Reap(ctx context.Context) (int, error)
}

// SweepConfig tunes a Sweeper; zero fields take the defaults.
type SweepConfig struct {
	// Batch is how many tasks one claim takes (default 500).
	Batch int
	// Lease is how long a claimed task stays hidden from other sweeps; a task with an unfinished
	// scheduled run is not claimed anyway, so it matters only when a fire ends without moving
	// the task's next run: the task comes due again after it (default 15 min).
	Lease time.Duration
	// Publishers is how many messages of a batch are published at once (default 32): each
	// publish waits for Pub/Sub to store the message, so one at a time leaves the run-task
	// topic idle between round trips.
	Publishers int
	// Reaper, when set, runs first in every sweep, so a run whose attempt died is retried
	// within a sweep interval of its deadline (a cheap query on unfinished runs only).
	Reaper Reaper
}

// Sweeper claims due tasks and publishes their triggers.
type Sweeper struct {
	claimer Claimer
	pub     event.Publisher
	now     func() time.Time
	log     *slog.Logger
	cfg     SweepConfig
}

// NewSweeper returns a sweeper; now is the clock.
func NewSweeper(c Claimer, pub event.Publisher, now func() time.Time, log *slog.Logger, cfg SweepConfig) *Sweeper {
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 15 * time.Minute
	}
	if cfg.Publishers <= 0 {
		cfg.Publishers = 32
	}
	return &Sweeper{claimer: c, pub: pub, now: now, log: log, cfg: cfg}
}

// Sweep takes back dead runs, then claims every task due now, batch by batch, and publishes a
// run-task message for each. It returns how many it triggered. A message that fails to publish
// is not retried here: its fire is a pending execution, which recovery and reconcile trigger
// again.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	var reapErr error
	if s.cfg.Reaper != nil {
		if _, err := s.cfg.Reaper.Reap(ctx); err != nil {
			// The claim does not depend on it: sweep anyway, and report both.
			reapErr = fmt.Errorf("reaping dead runs: %w", err)
		}
	}
	n, err := s.claimAll(ctx)
	return n, errors.Join(reapErr, err)
}

// claimAll claims and publishes due tasks until a batch comes back short.
func (s *Sweeper) claimAll(ctx context.Context) (int, error) {
	total := 0
	for {
		now := s.now()
		claims, err := s.claimer.ClaimDueTasks(ctx, now, now.Add(s.cfg.Lease), s.cfg.Batch)
		if err != nil {
			return total, fmt.Errorf("sweeping: %w", err)
		}
		total += s.publish(ctx, claims)
		if len(claims) < s.cfg.Batch {
			return total, nil
		}
	}
}

// publish sends one run-task message per claim, Publishers at a time, and returns how many
// went out.
func (s *Sweeper) publish(ctx context.Context, claims []store.Claim) int {
	var sent atomic.Int64
	next := make(chan store.Claim)
	var wg sync.WaitGroup
	for range min(s.cfg.Publishers, len(claims)) {
		wg.Go(func() {
			for c := range next {
				at := c.ScheduledFor
				m := event.RunTask{Version: event.Version, TaskID: c.TaskID, UserID: c.UserID, ScheduledFor: &at}
				if err := event.PublishJSON(ctx, s.pub, event.TopicRunTask, m); err != nil {
					s.log.Error("publishing run-task; reconcile triggers the pending run", slog.String("task_id", c.TaskID.String()), slog.String("error", err.Error()))
					continue
				}
				sent.Add(1)
			}
		})
	}
	for _, c := range claims {
		next <- c
	}
	close(next)
	wg.Wait()
	return int(sent.Load())
}

// Every runs Sweep every interval until ctx ends, logging failures and carrying on. When the
// claimer can say when its next task falls due (NextDuer) and that is sooner than the next
// interval, it sweeps then instead, so a run due at 09:00:00 starts at 09:00:00 and not up to
// an interval later. A due time already past (a task the claim skips while its run is
// unfinished) waits the interval, so nothing spins.
func (s *Sweeper) Every(ctx context.Context, interval time.Duration) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("sweep failed", slog.String("error", err.Error()))
		} else if n > 0 {
			s.log.Debug("sweep triggered runs", slog.Int("count", n))
		}
		timer.Reset(s.wait(ctx, interval))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
	}
}

// NextDuer is a Claimer that can say when its next task falls due; ok is false when none will.
type NextDuer interface {
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
}

// wait is how long Every waits before the next sweep: interval, or less when the next task
// falls due sooner.
func (s *Sweeper) wait(ctx context.Context, interval time.Duration) time.Duration {
	nd, ok := s.claimer.(NextDuer)
	if !ok {
		return interval
	}
	at, ok, err := nd.NextDue(ctx)
	if err != nil || !ok {
		return interval
	}
	if d := at.Sub(s.now()); d > 0 && d < interval {
		return d
	}
	return interval
}
