package client

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// AdminTask is any user's task, with its owner.
type AdminTask struct {
	task.Task
	UserID uuid.UUID `json:"user_id"`
}

// AdminExecution is any user's run, with its owner and internal error.
type AdminExecution struct {
	task.Execution
	UserID        uuid.UUID `json:"user_id"`
	InternalError string    `json:"internal_error"`
}

// AdminStats returns the platform's numbers over the last 24 hours.
func (c *Client) AdminStats(ctx context.Context) (store.Stats, error) {
	var s store.Stats
	return s, c.do(ctx, "GET", "/api/v1/admin/stats", nil, nil, &s)
}

// AdminUsers lists every user.
func (c *Client) AdminUsers(ctx context.Context, p PageOptions) (Page[store.User], error) {
	var out Page[store.User]
	return out, c.do(ctx, "GET", "/api/v1/admin/users", p.values(), nil, &out)
}

// AdminTasks lists every task.
func (c *Client) AdminTasks(ctx context.Context, p PageOptions) (Page[AdminTask], error) {
	var out Page[AdminTask]
	return out, c.do(ctx, "GET", "/api/v1/admin/tasks", p.values(), nil, &out)
}

// AdminExecutions lists every run, optionally of one status.
func (c *Client) AdminExecutions(ctx context.Context, status task.Status, p PageOptions) (Page[AdminExecution], error) {
	v := p.values()
	if status != "" {
		v.Set("status", string(status))
	}
	var out Page[AdminExecution]
	return out, c.do(ctx, "GET", "/api/v1/admin/executions", v, nil, &out)
}

// AdminErrors lists recent failed runs with their internal errors.
func (c *Client) AdminErrors(ctx context.Context, p PageOptions) (Page[AdminExecution], error) {
	var out Page[AdminExecution]
	return out, c.do(ctx, "GET", "/api/v1/admin/errors", p.values(), nil, &out)
}

// AdminRunTask runs any task now.
func (c *Client) AdminRunTask(ctx context.Context, id uuid.UUID) (task.Execution, error) {
	var e task.Execution
	return e, c.do(ctx, "POST", "/api/v1/admin/tasks/"+id.String()+"/run", nil, nil, &e)
}

// AdminSetTaskState changes any task's state.
func (c *Client) AdminSetTaskState(ctx context.Context, id uuid.UUID, state task.State) (AdminTask, error) {
	var t AdminTask
	return t, c.do(ctx, "POST", "/api/v1/admin/tasks/"+id.String()+"/state", nil, map[string]task.State{"state": state}, &t)
}
