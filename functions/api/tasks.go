package api

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// taskBody is what POST /tasks and POST /tasks/preview accept.
type taskBody struct {
	Name                 string              `json:"name"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Schedule             string              `json:"schedule"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Notifications        []task.Notification `json:"notifications"`
	RunImmediately       *bool               `json:"run_immediately"`
}

func (b taskBody) draft() task.Draft {
	return task.Draft{Name: b.Name, SearchQuery: b.SearchQuery, ConditionDescription: b.ConditionDescription,
		Schedule: b.Schedule, Timezone: b.Timezone, NotifyBehavior: b.NotifyBehavior,
		Notifications: b.Notifications, RunImmediately: b.RunImmediately}
}

// patchBody is what PATCH /tasks/{id} accepts: any subset of the fields.
type patchBody struct {
	Name                 *string              `json:"name"`
	SearchQuery          *string              `json:"search_query"`
	ConditionDescription *string              `json:"condition_description"`
	Schedule             *string              `json:"schedule"`
	Timezone             *string              `json:"timezone"`
	NotifyBehavior       *task.NotifyBehavior `json:"notify_behavior"`
	Notifications        *[]task.Notification `json:"notifications"`
	State                *task.State          `json:"state"`
}

// taskView is a task as the API shows it.
type taskView struct {
	task.Task
	LastExecution *task.Execution `json:"last_execution"`
	// MonthSpendUSD is shown on a single task: what its runs cost this month.
	MonthSpendUSD *float64 `json:"month_spend_usd,omitempty"`
}

func (a *API) createTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b taskBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	t, err := a.watch.Create(r.Context(), user.ID, b.draft())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID.String())
	writeJSON(w, http.StatusCreated, taskView{Task: t})
	return nil
}

func (a *API) listTasks(w http.ResponseWriter, r *http.Request, user store.User) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	state := task.State(r.URL.Query().Get("state"))
	if state != "" && !state.Valid() {
		return badRequest(`state must be "active", "paused" or "completed"`)
	}
	tasks, err := a.watch.List(r.Context(), user.ID, store.TaskFilter{State: state, Limit: p.limit + 1, After: p.after})
	if err != nil {
		return err
	}
	last, err := a.watch.LastExecutions(r.Context(), user.ID, tasks)
	if err != nil {
		return err
	}
	views := make([]taskView, len(tasks))
	for i, t := range tasks {
		views[i] = taskView{Task: t, LastExecution: last[t.ID]}
	}
	writeJSON(w, http.StatusOK, page(views, p.limit, func(v taskView) store.Cursor {
		return store.Cursor{CreatedAt: v.CreatedAt, ID: v.ID}
	}))
	return nil
}

func (a *API) writeTask(w http.ResponseWriter, r *http.Request, t task.Task) error {
	last, err := a.watch.LastExecution(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskView{Task: t, LastExecution: last})
	return nil
}

func (a *API) getTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.watch.Get(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	last, err := a.watch.LastExecution(r.Context(), t)
	if err != nil {
		return err
	}
	spend, err := a.watch.MonthSpend(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskView{Task: t, LastExecution: last, MonthSpendUSD: &spend})
	return nil
}

func (a *API) updateTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b patchBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.State != nil && !b.State.Valid() {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "state", Message: `must be "active", "paused" or "completed"`}}}
	}
	t, err := a.watch.Update(r.Context(), user.ID, id, watch.Patch{Name: b.Name, SearchQuery: b.SearchQuery,
		ConditionDescription: b.ConditionDescription, Schedule: b.Schedule, Timezone: b.Timezone,
		NotifyBehavior: b.NotifyBehavior, Notifications: b.Notifications, State: b.State})
	if err != nil {
		return err
	}
	return a.writeTask(w, r, t)
}

func (a *API) deleteTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.watch.Delete(r.Context(), user.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) setState(to task.State) func(http.ResponseWriter, *http.Request, store.User) error {
	return func(w http.ResponseWriter, r *http.Request, user store.User) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		t, err := a.watch.SetState(r.Context(), user.ID, id, to)
		if err != nil {
			return err
		}
		return a.writeTask(w, r, t)
	}
}

func (a *API) pauseTask(w http.ResponseWriter, r *http.Request, u store.User) error {
	return a.setState(task.StatePaused)(w, r, u)
}

func (a *API) resumeTask(w http.ResponseWriter, r *http.Request, u store.User) error {
	return a.setState(task.StateActive)(w, r, u)
}

func (a *API) completeTask(w http.ResponseWriter, r *http.Request, u store.User) error {
	return a.setState(task.StateCompleted)(w, r, u)
}

func (a *API) runTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	force, err := forceParam(r)
	if err != nil {
		return err
	}
	e, err := a.watch.RunNow(r.Context(), user.ID, id, force)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/executions/"+e.ID.String())
	writeJSON(w, http.StatusAccepted, e)
	return nil
}

// previewView is what a preview decided.
type previewView struct {
	Result task.Result `json:"result"`
	Usage  task.Usage  `json:"usage"`
}

func (a *API) previewTask(w http.ResponseWriter, r *http.Request, _ store.User) error {
	var b taskBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	out, err := a.watch.Preview(r.Context(), b.draft())
	var ve *task.ValidationError
	if err != nil && !errors.As(err, &ve) {
		ae := agent.AsError(err)
		if !ae.Retryable && (ae.Category == task.CategoryUser || ae.Category == task.CategoryAgent) {
			// Trying again will not help: say so with a 422 rather than a 503.
			return &problemError{Problem{Status: http.StatusUnprocessableEntity, Title: "The check could not decide",
				Detail: ae.Message + ".", Category: string(ae.Category)}}
		}
		return &problemError{Problem{Status: http.StatusServiceUnavailable, Title: "The check could not run",
			Detail: ae.Message + ".", Category: string(ae.Category), RequestID: requestID(r)}}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, previewView{Result: out.Result, Usage: out.Usage})
	return nil
}

func (a *API) listExecutions(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := a.watch.Executions(r.Context(), user.ID, id, p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(list, p.limit, executionCursor))
	return nil
}

func executionCursor(e task.Execution) store.Cursor {
	return store.Cursor{CreatedAt: e.CreatedAt, ID: e.ID}
}

func (a *API) getExecution(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := a.watch.Execution(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) listTaskNotifications(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.notifications(w, r, user, &id)
}

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request, user store.User) error {
	return a.notifications(w, r, user, nil)
}

func (a *API) notifications(w http.ResponseWriter, r *http.Request, user store.User, taskID *uuid.UUID) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := a.watch.Notifications(r.Context(), user.ID, taskID, p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(list, p.limit, func(n store.Notified) store.Cursor { return executionCursor(n.Execution) }))
	return nil
}

// pathID reads the {id} path segment; a malformed id is a 404 like any unknown one.
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return uuid.Nil, store.ErrNotFound
	}
	return id, nil
}

// forceParam reads ?force=true|false.
func forceParam(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("force") {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, badRequest(`force must be "true" or "false"`)
}
