package client

import (
	"context"
	"net/url"

	"github.com/torale-ai/torale/shared/contract"
)

// AdminReconcile runs a reconcile pass now and returns its report.
func (c *Client) AdminReconcile(ctx context.Context) (contract.ReconcileReport, error) {
	var r contract.ReconcileReport
	return r, c.do(ctx, "POST", "/api/v1/admin/reconcile", nil, nil, &r)
}

// AdminSchedulerJobs lists the per-task jobs with their drift against the database; onlyDrift
// leaves out the jobs in step.
func (c *Client) AdminSchedulerJobs(ctx context.Context, onlyDrift bool) (contract.SchedulerJobs, error) {
	var v url.Values
	if onlyDrift {
		v = url.Values{"drift": {"true"}}
	}
	var out contract.SchedulerJobs
	return out, c.do(ctx, "GET", "/api/v1/admin/scheduler/jobs", v, nil, &out)
}
