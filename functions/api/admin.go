package api

import (
	"net/http"
	"time"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func (a *API) adminStats(w http.ResponseWriter, r *http.Request, _ store.User) error {
	st, err := a.admin.PlatformStats(r.Context(), a.now().Add(-24*time.Hour))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statsView(st))
	return nil
}

func (a *API) adminUsers(w http.ResponseWriter, r *http.Request, _ store.User) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	users, err := a.admin.ListUsers(r.Context(), p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(users, p.limit, func(u store.User) store.Cursor { return store.Cursor{CreatedAt: u.CreatedAt, ID: u.ID} }, userView))
	return nil
}

func (a *API) adminTasks(w http.ResponseWriter, r *http.Request, _ store.User) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	tasks, err := a.admin.ListAllTasks(r.Context(), p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(tasks, p.limit, taskCursor, adminTaskView))
	return nil
}

func (a *API) adminExecutions(w http.ResponseWriter, r *http.Request, _ store.User) error {
	status := task.Status(r.URL.Query().Get("status"))
	switch status {
	case "", task.StatusPending, task.StatusRunning, task.StatusSuccess, task.StatusRetrying, task.StatusFailed, task.StatusCancelled:
	default:
		return badRequest("status must be one of pending, running, success, retrying, failed, cancelled")
	}
	return a.adminExecutionList(w, r, status)
}

func (a *API) adminErrors(w http.ResponseWriter, r *http.Request, _ store.User) error {
	return a.adminExecutionList(w, r, task.StatusFailed)
}

func (a *API) adminExecutionList(w http.ResponseWriter, r *http.Request, status task.Status) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := a.admin.ListAllExecutions(r.Context(), status, p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(list, p.limit, executionCursor, contract.AdminExecutionOf))
	return nil
}

func (a *API) adminRunTask(w http.ResponseWriter, r *http.Request, _ store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	owner, err := a.admin.TaskOwner(r.Context(), id)
	if err != nil {
		return err
	}
	force, err := forceParam(r)
	if err != nil {
		return err
	}
	e, err := a.watch.RunNow(r.Context(), owner, id, force)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/executions/"+e.ID.String())
	writeJSON(w, http.StatusAccepted, contract.ExecutionOf(e))
	return nil
}

func (a *API) adminSetState(w http.ResponseWriter, r *http.Request, _ store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.StateInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if !b.State.Valid() {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "state", Message: `must be "active", "paused" or "completed"`}}}
	}
	owner, err := a.admin.TaskOwner(r.Context(), id)
	if err != nil {
		return err
	}
	t, err := a.watch.SetState(r.Context(), owner, id, b.State)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, adminTaskView(t))
	return nil
}
