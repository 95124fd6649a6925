package client

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Task is a task with its latest run.
type Task struct {
	task.Task
	LastExecution *task.Execution `json:"last_execution"`
	// MonthSpendUSD is set by GetTask: what the task's runs cost this month.
	MonthSpendUSD *float64 `json:"month_spend_usd,omitempty"`
}

// TaskInput defines a task to create or preview.
type TaskInput struct {
	Name                 string              `json:"name,omitempty"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description,omitempty"`
	Schedule             string              `json:"schedule,omitempty"`
	Timezone             string              `json:"timezone,omitempty"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior,omitempty"`
	Notifications        []task.Notification `json:"notifications,omitempty"`
	RunImmediately       *bool               `json:"run_immediately,omitempty"`
}

// TaskPatch changes the fields that are set.
type TaskPatch struct {
	Name                 *string              `json:"name,omitempty"`
	SearchQuery          *string              `json:"search_query,omitempty"`
	ConditionDescription *string              `json:"condition_description,omitempty"`
	Schedule             *string              `json:"schedule,omitempty"`
	Timezone             *string              `json:"timezone,omitempty"`
	NotifyBehavior       *task.NotifyBehavior `json:"notify_behavior,omitempty"`
	Notifications        *[]task.Notification `json:"notifications,omitempty"`
	State                *task.State          `json:"state,omitempty"`
}

// Preview is what the agent decided for an unsaved task.
type Preview struct {
	Result task.Result `json:"result"`
	Usage  task.Usage  `json:"usage"`
}

// NewAPIKey is a created key; Key is shown only this once.
type NewAPIKey struct {
	store.APIKey
	Key string `json:"key"`
}

func taskPath(id uuid.UUID, rest string) string { return "/api/v1/tasks/" + id.String() + rest }

// CreateTask creates a task.
func (c *Client) CreateTask(ctx context.Context, in TaskInput) (Task, error) {
	var t Task
	return t, c.do(ctx, "POST", "/api/v1/tasks", nil, in, &t)
}

// ListTasks lists the caller's tasks, newest first; state "" means every state.
func (c *Client) ListTasks(ctx context.Context, state task.State, p PageOptions) (Page[Task], error) {
	v := p.values()
	if state != "" {
		v.Set("state", string(state))
	}
	var out Page[Task]
	return out, c.do(ctx, "GET", "/api/v1/tasks", v, nil, &out)
}

// GetTask returns one task with its latest run.
func (c *Client) GetTask(ctx context.Context, id uuid.UUID) (Task, error) {
	var t Task
	return t, c.do(ctx, "GET", taskPath(id, ""), nil, nil, &t)
}

// UpdateTask changes a task.
func (c *Client) UpdateTask(ctx context.Context, id uuid.UUID, p TaskPatch) (Task, error) {
	var t Task
	return t, c.do(ctx, "PATCH", taskPath(id, ""), nil, p, &t)
}

// DeleteTask deletes a task with its runs.
func (c *Client) DeleteTask(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, "DELETE", taskPath(id, ""), nil, nil, nil)
}

// PauseTask pauses an active task.
func (c *Client) PauseTask(ctx context.Context, id uuid.UUID) (Task, error) {
	var t Task
	return t, c.do(ctx, "POST", taskPath(id, "/pause"), nil, nil, &t)
}

// ResumeTask makes a paused or completed task active again.
func (c *Client) ResumeTask(ctx context.Context, id uuid.UUID) (Task, error) {
	var t Task
	return t, c.do(ctx, "POST", taskPath(id, "/resume"), nil, nil, &t)
}

// CompleteTask ends a task.
func (c *Client) CompleteTask(ctx context.Context, id uuid.UUID) (Task, error) {
	var t Task
	return t, c.do(ctx, "POST", taskPath(id, "/complete"), nil, nil, &t)
}

// RunTask starts a run now; force cancels a run in progress.
func (c *Client) RunTask(ctx context.Context, id uuid.UUID, force bool) (task.Execution, error) {
	var v url.Values
	if force {
		v = url.Values{"force": {"true"}}
	}
	var e task.Execution
	return e, c.do(ctx, "POST", taskPath(id, "/run"), v, nil, &e)
}

// PreviewTask runs the agent on an unsaved definition.
func (c *Client) PreviewTask(ctx context.Context, in TaskInput) (Preview, error) {
	var p Preview
	return p, c.do(ctx, "POST", "/api/v1/tasks/preview", nil, in, &p)
}

// ListExecutions lists a task's runs, newest first.
func (c *Client) ListExecutions(ctx context.Context, taskID uuid.UUID, p PageOptions) (Page[task.Execution], error) {
	var out Page[task.Execution]
	return out, c.do(ctx, "GET", taskPath(taskID, "/executions"), p.values(), nil, &out)
}

// GetExecution returns one run.
func (c *Client) GetExecution(ctx context.Context, id uuid.UUID) (task.Execution, error) {
	var e task.Execution
	return e, c.do(ctx, "GET", "/api/v1/executions/"+id.String(), nil, nil, &e)
}

// ListTaskNotifications lists a task's runs that notified, newest first.
func (c *Client) ListTaskNotifications(ctx context.Context, taskID uuid.UUID, p PageOptions) (Page[store.Notified], error) {
	var out Page[store.Notified]
	return out, c.do(ctx, "GET", taskPath(taskID, "/notifications"), p.values(), nil, &out)
}

// ListNotifications lists every run of the caller's that notified, newest first.
func (c *Client) ListNotifications(ctx context.Context, p PageOptions) (Page[store.Notified], error) {
	var out Page[store.Notified]
	return out, c.do(ctx, "GET", "/api/v1/notifications", p.values(), nil, &out)
}

// Me returns the caller's account.
func (c *Client) Me(ctx context.Context) (store.User, error) {
	var u store.User
	return u, c.do(ctx, "GET", "/api/v1/me", nil, nil, &u)
}

// CreateAPIKey creates a named API key and returns it, the only time it is shown.
func (c *Client) CreateAPIKey(ctx context.Context, name string) (NewAPIKey, error) {
	var k NewAPIKey
	return k, c.do(ctx, "POST", "/api/v1/api-keys", nil, map[string]string{"name": name}, &k)
}

// ListAPIKeys lists the caller's unrevoked keys.
func (c *Client) ListAPIKeys(ctx context.Context) ([]store.APIKey, error) {
	var out Page[store.APIKey]
	return out.Data, c.do(ctx, "GET", "/api/v1/api-keys", nil, nil, &out)
}

// RevokeAPIKey revokes a key; it stops working at once.
func (c *Client) RevokeAPIKey(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, "DELETE", "/api/v1/api-keys/"+id.String(), nil, nil, nil)
}
