package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// adminTaskView shows a task with its owner.
type adminTaskView struct {
	task.Task
	UserID uuid.UUID `json:"user_id"`
}

// adminExecutionView shows a run with its owner and the internal error users never see.
type adminExecutionView struct {
	task.Execution
	UserID        uuid.UUID `json:"user_id"`
	InternalError string    `json:"internal_error,omitempty"`
}

func (a *API) adminStats(w http.ResponseWriter, r *http.Request, _ store.User) error {
	st, err := a.admin.PlatformStats(r.Context(), a.now().Add(-24*time.Hour))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
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
	writeJSON(w, http.StatusOK, page(users, p.limit, func(u store.User) store.Cursor { return store.Cursor{CreatedAt: u.CreatedAt, ID: u.ID} }))
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
	views := make([]adminTaskView, len(tasks))
	for i, t := range tasks {
		views[i] = adminTaskView{Task: t, UserID: t.UserID}
	}
	writeJSON(w, http.StatusOK, page(views, p.limit, func(v adminTaskView) store.Cursor { return store.Cursor{CreatedAt: v.CreatedAt, ID: v.ID} }))
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
	views := make([]adminExecutionView, len(list))
	for i, e := range list {
		views[i] = adminExecutionView{Execution: e, UserID: e.UserID, InternalError: e.InternalError}
	}
	writeJSON(w, http.StatusOK, page(views, p.limit, func(v adminExecutionView) store.Cursor { return executionCursor(v.Execution) }))
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
	writeJSON(w, http.StatusAccepted, e)
	return nil
}

func (a *API) adminSetState(w http.ResponseWriter, r *http.Request, _ store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b struct {
		State task.State `json:"state"`
	}
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
	writeJSON(w, http.StatusOK, adminTaskView{Task: t, UserID: t.UserID})
	return nil
}
