// Package tick is the `tick` Cloud Run function: Cloud Scheduler calls it every minute (HTTP,
// with an OIDC token). In sweep mode it triggers every due task; in both modes it deletes a
// bounded batch of runs past their retention, and runs the reconcile pass on a timer and on the
// first tick after the instance starts.
package tick

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/reconcile"
)

// Sweeper triggers due tasks and says how many.
type Sweeper interface {
	Sweep(ctx context.Context) (int, error)
}

// Expirer deletes one bounded pass of runs past their retention and says how many.
type Expirer interface {
	ExpireRuns(ctx context.Context) (int, error)
}

// Reconciler makes one reconcile pass.
type Reconciler interface {
	Run(ctx context.Context) (reconcile.Report, error)
}

// Config is what the tick does. Zero fields take the defaults.
type Config struct {
	// Sweeper triggers due tasks; nil in Cloud Scheduler mode, where each task has its job.
	Sweeper Sweeper
	// Reconciler runs every ReconcileEvery (default 10 min); nil to never reconcile here.
	Reconciler     Reconciler
	ReconcileEvery time.Duration
	// Expirer runs on every tick (a bounded pass, a cheap index probe when nothing is due);
	// nil to keep every run.
	Expirer Expirer
	Now     func() time.Time
	Log     *slog.Logger
}

// New returns the HTTP function. It answers 200 with what it did, or 500 when the sweep or the
// reconcile pass failed, so Cloud Scheduler records the failure (the next minute tries again).
// The work is done before the answer: nothing runs after the response is sent.
func New(cfg Config) http.HandlerFunc {
	if cfg.ReconcileEvery <= 0 {
		cfg.ReconcileEvery = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	t := &ticker{cfg: cfg}
	return t.serve
}

type ticker struct {
	cfg  Config
	mu   sync.Mutex
	last time.Time // when this instance last started a reconcile pass
}

func (t *ticker) serve(w http.ResponseWriter, r *http.Request) {
	ctx, log := r.Context(), t.cfg.Log
	var res contract.TickResult
	failed := false
	if t.cfg.Sweeper != nil {
		n, err := t.cfg.Sweeper.Sweep(ctx)
		res.Triggered = n
		if err != nil {
			log.ErrorContext(ctx, "tick sweep failed", slog.String("error", err.Error()))
			failed = true
		}
	}
	if t.cfg.Expirer != nil {
		n, err := t.cfg.Expirer.ExpireRuns(ctx)
		res.ExpiredRuns = n
		if err != nil {
			log.ErrorContext(ctx, "tick retention failed", slog.String("error", err.Error()))
			failed = true
		}
	}
	if t.reconcileDue() {
		rep, err := t.cfg.Reconciler.Run(ctx)
		switch {
		case errors.Is(err, reconcile.ErrInProgress):
			log.InfoContext(ctx, "another reconcile pass is running; skipping this one")
		case err != nil:
			log.ErrorContext(ctx, "tick reconcile failed", slog.String("error", err.Error()))
			wire := rep.Wire()
			res.Reconciled, failed = &wire, true
		default:
			wire := rep.Wire()
			res.Reconciled = &wire
			if j := rep.Jobs; j != nil {
				// The count the alert on Cloud Scheduler's regional quota (1,000 jobs) reads:
				// every job the pass saw, less the orphans it deleted (terraform/modules/monitoring).
				log.InfoContext(ctx, "reconcile pass", slog.Int("scheduler_jobs", j.Checked-j.Deleted))
			}
		}
	}
	status := http.StatusOK
	if failed {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}

// reconcileDue reports whether a pass is due, and if so counts it as started: a failing pass
// waits for the next interval rather than hammering what fails.
func (t *ticker) reconcileDue() bool {
	if t.cfg.Reconciler == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.cfg.Now()
	if !t.last.IsZero() && now.Sub(t.last) < t.cfg.ReconcileEvery {
		return false
	}
	t.last = now
	return true
}
