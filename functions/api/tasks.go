package api

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

func (a *API) createTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b contract.TaskInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.MonthlyBudgetUSD != nil {
		if err := watch.CheckBudget("monthly_budget_usd", *b.MonthlyBudgetUSD); err != nil {
			return err
		}
	}
	d, err := a.draftOf(r, user, b)
	if err != nil {
		return err
	}
	t, err := a.watch.Create(r.Context(), user.ID, d)
	if err != nil {
		return err
	}
	if b.MonthlyBudgetUSD != nil && *b.MonthlyBudgetUSD > 0 {
		if t, err = a.watch.SetBudget(r.Context(), user.ID, t.ID, *b.MonthlyBudgetUSD); err != nil {
			return err
		}
	}
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID.String())
	return a.writeTask(w, r, http.StatusCreated, t)
}

func (a *API) listTasks(w http.ResponseWriter, r *http.Request, user store.User) error {
	f, err := taskFilter(r)
	if err != nil {
		return err
	}
	views, err := a.watch.Views(r.Context(), user.ID, f)
	if err != nil {
		return err
	}
	writeTaskPage(w, views, f.Limit-1)
	return nil
}

// listTasksByKey answers a list request that carries an API key with one statement that
// authenticates the key and reads the page. It leaves the request to listTasks (done false)
// when that statement reads nothing: an unknown or revoked key, or an empty page.
func (a *API) listTasksByKey(w http.ResponseWriter, r *http.Request, keyHash []byte) (bool, error) {
	f, bad := taskFilter(r)
	if bad != nil {
		return false, nil //nolint:nilerr // listTasks says why, once the caller is known
	}
	views, err := a.watch.ViewsByKey(r.Context(), keyHash, f)
	if err != nil || len(views) == 0 {
		return false, err
	}
	writeTaskPage(w, views, f.Limit-1)
	return true, nil
}

// taskFilter reads a list request's page and state; its Limit is the page's plus one, to learn
// whether a next page exists.
func taskFilter(r *http.Request) (store.TaskFilter, error) {
	p, err := pageParams(r)
	if err != nil {
		return store.TaskFilter{}, err
	}
	state := task.State(r.URL.Query().Get("state"))
	if state != "" && !state.Valid() {
		return store.TaskFilter{}, badRequest(`state must be "active", "paused" or "completed"`)
	}
	return store.TaskFilter{State: state, Limit: p.limit + 1, After: p.after}, nil
}

func writeTaskPage(w http.ResponseWriter, views []store.TaskView, limit int) {
	writeJSON(w, http.StatusOK, page(views, limit, func(v store.TaskView) store.Cursor { return taskCursor(v.Task) }, taskView))
}

// writeTask answers with one task's view, read again with its extras in one query.
func (a *API) writeTask(w http.ResponseWriter, r *http.Request, status int, t task.Task) error {
	v, err := a.watch.View(r.Context(), t.UserID, t.ID)
	if err != nil {
		return err
	}
	writeJSON(w, status, taskView(v))
	return nil
}

func (a *API) getTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.watch.View(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskView(v))
	return nil
}

// getTaskByKey is getTask for a request that carries an API key, authenticated in the same
// statement as the read; it leaves the request to getTask when that reads nothing (an unknown
// or revoked key, or a task that is missing or not the owner's).
func (a *API) getTaskByKey(w http.ResponseWriter, r *http.Request, keyHash []byte) (bool, error) {
	id, bad := pathID(r)
	if bad != nil {
		return false, nil //nolint:nilerr // getTask says why, once the caller is known
	}
	v, err := a.watch.ViewByKey(r.Context(), keyHash, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	writeJSON(w, http.StatusOK, taskView(v))
	return true, nil
}

func (a *API) updateTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.TaskPatch
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.State != nil && !b.State.Valid() {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "state", Message: `must be "active", "paused" or "completed"`}}}
	}
	if b.MonthlyBudgetUSD != nil {
		if err := watch.CheckBudget("monthly_budget_usd", *b.MonthlyBudgetUSD); err != nil {
			return err
		}
	}
	var t task.Task
	if p := patchOf(b); p != (watch.Patch{}) || b.MonthlyBudgetUSD == nil {
		if t, err = a.watch.Update(r.Context(), user.ID, id, p); err != nil {
			return err
		}
	}
	if b.MonthlyBudgetUSD != nil {
		if t, err = a.watch.SetBudget(r.Context(), user.ID, id, *b.MonthlyBudgetUSD); err != nil {
			return err
		}
	}
	return a.writeTask(w, r, http.StatusOK, t)
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
		return a.writeTask(w, r, http.StatusOK, t)
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
	writeJSON(w, http.StatusAccepted, contract.ExecutionOf(e))
	return nil
}

func (a *API) previewTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b contract.TaskInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	d, err := a.draftOf(r, user, b)
	if err != nil {
		return err
	}
	out, err := a.watch.Preview(r.Context(), d)
	var ve *task.ValidationError
	if err != nil && !errors.As(err, &ve) {
		ae := agent.AsError(err)
		if !ae.Retryable && (ae.Category == task.CategoryUser || ae.Category == task.CategoryAgent) {
			// Trying again will not help: say so with a 422 rather than a 503.
			return &problemError{contract.Problem{Status: http.StatusUnprocessableEntity, Title: "The check could not decide",
				Detail: ae.Message + ".", Category: ae.Category}}
		}
		return &problemError{contract.Problem{Status: http.StatusServiceUnavailable, Title: "The check could not run",
			Detail: ae.Message + ".", Category: ae.Category, RequestID: requestID(r)}}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contract.Preview{Result: contract.ResultOf(out.Result), Usage: contract.UsageOf(out.Usage)})
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
	writeJSON(w, http.StatusOK, page(list, p.limit, executionCursor, contract.ExecutionOf))
	return nil
}

func executionCursor(e task.Execution) store.Cursor {
	return store.Cursor{CreatedAt: e.CreatedAt, ID: e.ID}
}

func taskCursor(t task.Task) store.Cursor {
	return store.Cursor{CreatedAt: t.CreatedAt, ID: t.ID}
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
	steps, err := a.watch.ExecutionSteps(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contract.ExecutionDetail{Execution: contract.ExecutionOf(e), Steps: contract.StepsOf(steps)})
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
	writeJSON(w, http.StatusOK, page(list, p.limit, func(n store.Notified) store.Cursor { return executionCursor(n.Execution) }, notifiedView))
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
