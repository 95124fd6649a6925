package client

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

func taskPath(id uuid.UUID, rest string) string { return "/api/v1/tasks/" + id.String() + rest }

// CreateTask creates a task.
func (c *Client) CreateTask(ctx context.Context, in contract.TaskInput) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "POST", "/api/v1/tasks", nil, in, &t)
}

// ListTasks lists the caller's tasks, newest first; state "" means every state.
func (c *Client) ListTasks(ctx context.Context, state task.State, p PageOptions) (contract.Page[contract.TaskView], error) {
	v := p.values()
	if state != "" {
		v.Set("state", string(state))
	}
	var out contract.Page[contract.TaskView]
	return out, c.do(ctx, "GET", "/api/v1/tasks", v, nil, &out)
}

// GetTask returns one task with its latest run.
func (c *Client) GetTask(ctx context.Context, id uuid.UUID) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "GET", taskPath(id, ""), nil, nil, &t)
}

// UpdateTask changes a task.
func (c *Client) UpdateTask(ctx context.Context, id uuid.UUID, p contract.TaskPatch) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "PATCH", taskPath(id, ""), nil, p, &t)
}

// DeleteTask deletes a task with its runs.
func (c *Client) DeleteTask(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, "DELETE", taskPath(id, ""), nil, nil, nil)
}

// PauseTask pauses an active task.
func (c *Client) PauseTask(ctx context.Context, id uuid.UUID) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "POST", taskPath(id, "/pause"), nil, nil, &t)
}

// ResumeTask makes a paused or completed task active again.
func (c *Client) ResumeTask(ctx context.Context, id uuid.UUID) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "POST", taskPath(id, "/resume"), nil, nil, &t)
}

// CompleteTask ends a task.
func (c *Client) CompleteTask(ctx context.Context, id uuid.UUID) (contract.TaskView, error) {
	var t contract.TaskView
	return t, c.do(ctx, "POST", taskPath(id, "/complete"), nil, nil, &t)
}

// RunTask starts a run now; force cancels a run in progress.
func (c *Client) RunTask(ctx context.Context, id uuid.UUID, force bool) (contract.Execution, error) {
	var v url.Values
	if force {
		v = url.Values{"force": {"true"}}
	}
	var e contract.Execution
	return e, c.do(ctx, "POST", taskPath(id, "/run"), v, nil, &e)
}

// PreviewTask runs the agent on an unsaved definition.
func (c *Client) PreviewTask(ctx context.Context, in contract.TaskInput) (contract.Preview, error) {
	var p contract.Preview
	return p, c.do(ctx, "POST", "/api/v1/tasks/preview", nil, in, &p)
}

// ListExecutions lists a task's runs, newest first.
func (c *Client) ListExecutions(ctx context.Context, taskID uuid.UUID, p PageOptions) (contract.Page[contract.Execution], error) {
	var out contract.Page[contract.Execution]
	return out, c.do(ctx, "GET", taskPath(taskID, "/executions"), p.values(), nil, &out)
}

// GetExecution returns one run with its trail (steps).
func (c *Client) GetExecution(ctx context.Context, id uuid.UUID) (contract.ExecutionDetail, error) {
	var e contract.ExecutionDetail
	return e, c.do(ctx, "GET", "/api/v1/executions/"+id.String(), nil, nil, &e)
}

// ListTaskNotifications lists a task's runs that notified, newest first.
func (c *Client) ListTaskNotifications(ctx context.Context, taskID uuid.UUID, p PageOptions) (contract.Page[contract.Notified], error) {
	var out contract.Page[contract.Notified]
	return out, c.do(ctx, "GET", taskPath(taskID, "/notifications"), p.values(), nil, &out)
}

// ListNotifications lists every run of the caller's that notified, newest first.
func (c *Client) ListNotifications(ctx context.Context, p PageOptions) (contract.Page[contract.Notified], error) {
	var out contract.Page[contract.Notified]
	return out, c.do(ctx, "GET", "/api/v1/notifications", p.values(), nil, &out)
}

// Me returns the caller's account.
func (c *Client) Me(ctx context.Context) (contract.User, error) {
	var u contract.User
	return u, c.do(ctx, "GET", "/api/v1/me", nil, nil, &u)
}

// CreateAPIKey creates a named API key and returns it, the only time it is shown.
func (c *Client) CreateAPIKey(ctx context.Context, name string) (contract.NewAPIKey, error) {
	var k contract.NewAPIKey
	return k, c.do(ctx, "POST", "/api/v1/api-keys", nil, contract.APIKeyInput{Name: name}, &k)
}

// ListAPIKeys lists the caller's unrevoked keys.
func (c *Client) ListAPIKeys(ctx context.Context) ([]contract.APIKey, error) {
	var out contract.Page[contract.APIKey]
	return out.Data, c.do(ctx, "GET", "/api/v1/api-keys", nil, nil, &out)
}

// RevokeAPIKey revokes a key; it stops working at once.
func (c *Client) RevokeAPIKey(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, "DELETE", "/api/v1/api-keys/"+id.String(), nil, nil, nil)
}
