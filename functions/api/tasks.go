package api

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// taskBody is what POST /tasks accepts.
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

// taskView is a task as the API shows it.
type taskView struct {
	task.Task
	LastExecution *task.Execution `json:"last_execution"`
}

func (a *API) createTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b taskBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	t, err := a.watch.Create(r.Context(), user.ID, task.Draft{
		Name: b.Name, SearchQuery: b.SearchQuery, ConditionDescription: b.ConditionDescription,
		Schedule: b.Schedule, Timezone: b.Timezone, NotifyBehavior: b.NotifyBehavior,
		Notifications: b.Notifications, RunImmediately: b.RunImmediately,
	})
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
	views := make([]taskView, len(tasks))
	for i, t := range tasks {
		views[i] = taskView{Task: t}
	}
	writeJSON(w, http.StatusOK, page(views, p.limit, func(v taskView) store.Cursor {
		return store.Cursor{CreatedAt: v.CreatedAt, ID: v.ID}
	}))
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
	writeJSON(w, http.StatusOK, taskView{Task: t, LastExecution: last})
	return nil
}

func (a *API) runTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := a.watch.RunNow(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/executions/"+e.ID.String())
	writeJSON(w, http.StatusAccepted, e)
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
	writeJSON(w, http.StatusOK, page(list, p.limit, func(e task.Execution) store.Cursor {
		return store.Cursor{CreatedAt: e.CreatedAt, ID: e.ID}
	}))
	return nil
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

// pathID reads the {id} path segment; a malformed id is a 404 like any unknown one.
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return uuid.Nil, store.ErrNotFound
	}
	return id, nil
}
