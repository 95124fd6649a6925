package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/store"
)

// Scheduler is the reconcile pass behind the admin API; *reconcile.Reconciler is the real one.
type Scheduler interface {
	// Run makes one pass; reconcile.ErrInProgress (a 409) while another runs.
	Run(ctx context.Context) (reconcile.Report, error)
	// JobDrift lists the jobs and their drift; reconcile.ErrSweepMode when there are none.
	JobDrift(ctx context.Context) ([]reconcile.JobView, error)
}

func (a *API) noScheduler(w http.ResponseWriter) {
	writeProblem(w, contract.Problem{Status: http.StatusServiceUnavailable, Detail: "Reconcile is not available on this server."})
}

// adminReconcile runs a pass now. A pass whose steps partly failed still answers 200 with its
// report, which lists the failed steps; a pass that could not start is an error.
func (a *API) adminReconcile(w http.ResponseWriter, r *http.Request, _ store.User) error {
	if a.sched == nil {
		a.noScheduler(w)
		return nil
	}
	rep, err := a.sched.Run(r.Context())
	if err != nil && rep.FinishedAt.IsZero() {
		return err
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "reconcile pass had failures", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
	}
	writeJSON(w, http.StatusOK, rep.Wire())
	return nil
}

// adminSchedulerJobs lists every per-task job and every task that needs one, with its drift;
// ?drift=true keeps only those out of step.
func (a *API) adminSchedulerJobs(w http.ResponseWriter, r *http.Request, _ store.User) error {
	if a.sched == nil {
		a.noScheduler(w)
		return nil
	}
	onlyDrift := false
	switch r.URL.Query().Get("drift") {
	case "", "false":
	case "true":
		onlyDrift = true
	default:
		return badRequest("drift must be true or false")
	}
	views, err := a.sched.JobDrift(r.Context())
	if errors.Is(err, reconcile.ErrSweepMode) {
		writeJSON(w, http.StatusOK, contract.SchedulerJobs{Mode: "sweep", Jobs: []contract.SchedulerJob{}})
		return nil
	}
	if err != nil {
		return err
	}
	out := contract.SchedulerJobs{Mode: "cloudscheduler", Jobs: []contract.SchedulerJob{}}
	for _, v := range views {
		if len(v.Drift) > 0 {
			out.Drifted++
		} else if onlyDrift {
			continue
		}
		out.Jobs = append(out.Jobs, jobView(v))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
