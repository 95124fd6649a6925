package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// holdBack asks the spend guard whether the run it just claimed may go on. When it may not, the
// run is recorded as not run (failed, silence reason spend_cap, the guard's sentence as its
// error) without calling the model, the task keeps its schedule, and the owner is alerted; held
// is true. A guard that cannot answer lets the run go: a database hiccup must not stop watches.
func (r *Runner) holdBack(ctx context.Context, t task.Task, exec task.Execution, log *slog.Logger) (held bool, err error) {
	if r.cfg.Spend == nil {
		return false, nil
	}
	reason, err := r.cfg.Spend.Check(ctx, t)
	if err != nil {
		log.WarnContext(ctx, "checking the spend cap; running anyway", slog.String("error", err.Error()))
		return false, nil
	}
	if reason == "" {
		return false, nil
	}
	o := store.Outcome{ExecutionID: exec.ID, UserID: t.UserID, TaskID: t.ID, Attempt: exec.Attempt, Now: r.now(),
		TaskVersion: t.UpdatedAt, Status: task.StatusFailed, Error: reason, Category: task.CategoryUser,
		InternalError: "held back by the spend cap", SilenceReason: task.SilenceSpendCap}
	if exec.Trigger == task.TriggerSchedule {
		if next, err := task.NextRun(t.Schedule, t.Timezone, nil, o.Now, r.cfg.Rules); err == nil {
			o.NextRunAt, o.NextRunCause = &next, task.CauseFailed
		}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := r.store.FinishExecution(wctx, o); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return true, nil
		}
		return true, fmt.Errorf("recording a run held back by the spend cap: %w", err)
	}
	r.afterRun(wctx, o, log)
	log.InfoContext(ctx, "run held back by the spend cap", slog.String("reason", reason))
	if r.cfg.Alerts != nil {
		r.cfg.Alerts.SpendCapped(wctx, t, reason)
	}
	return true, nil
}
