package client

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// AdminStats returns the platform's numbers over the last 24 hours.
func (c *Client) AdminStats(ctx context.Context) (contract.Stats, error) {
	var s contract.Stats
	return s, c.do(ctx, "GET", "/api/v1/admin/stats", nil, nil, &s)
}

// AdminUsers lists every user.
func (c *Client) AdminUsers(ctx context.Context, p PageOptions) (contract.Page[contract.User], error) {
	var out contract.Page[contract.User]
	return out, c.do(ctx, "GET", "/api/v1/admin/users", p.values(), nil, &out)
}

// AdminTasks lists every task.
func (c *Client) AdminTasks(ctx context.Context, p PageOptions) (contract.Page[contract.AdminTask], error) {
	var out contract.Page[contract.AdminTask]
	return out, c.do(ctx, "GET", "/api/v1/admin/tasks", p.values(), nil, &out)
}

// AdminExecutions lists every run, optionally of one status.
func (c *Client) AdminExecutions(ctx context.Context, status task.Status, p PageOptions) (contract.Page[contract.AdminExecution], error) {
	v := p.values()
	if status != "" {
		v.Set("status", string(status))
	}
	var out contract.Page[contract.AdminExecution]
	return out, c.do(ctx, "GET", "/api/v1/admin/executions", v, nil, &out)
}

// AdminErrors lists recent failed runs with their internal errors.
func (c *Client) AdminErrors(ctx context.Context, p PageOptions) (contract.Page[contract.AdminExecution], error) {
	var out contract.Page[contract.AdminExecution]
	return out, c.do(ctx, "GET", "/api/v1/admin/errors", p.values(), nil, &out)
}

// AdminRunTask runs any task now.
func (c *Client) AdminRunTask(ctx context.Context, id uuid.UUID) (contract.Execution, error) {
	var e contract.Execution
	return e, c.do(ctx, "POST", "/api/v1/admin/tasks/"+id.String()+"/run", nil, nil, &e)
}

// AdminSetTaskState changes any task's state.
func (c *Client) AdminSetTaskState(ctx context.Context, id uuid.UUID, state task.State) (contract.AdminTask, error) {
	var t contract.AdminTask
	return t, c.do(ctx, "POST", "/api/v1/admin/tasks/"+id.String()+"/state", nil, contract.StateInput{State: state}, &t)
}
