package api

import (
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// listTemplates answers GET /templates: the built-in gallery, then the caller's own templates,
// newest first, in one page.
func (a *API) listTemplates(w http.ResponseWriter, r *http.Request, user store.User) error {
	list, err := a.watch.Templates(r.Context(), user.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, whole(list, contract.TemplateOf, nil))
	return nil
}

// createTemplate answers POST /templates: a template from the given fields, or with from_task
// the definition of one of the caller's tasks ("save as template").
func (a *API) createTemplate(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b contract.TemplateInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	var t task.Template
	var err error
	if b.FromTask != nil {
		def := contract.TemplateInput{SearchQuery: b.SearchQuery, ConditionDescription: b.ConditionDescription,
			Schedule: b.Schedule, Timezone: b.Timezone, NotifyBehavior: b.NotifyBehavior, Depth: b.Depth}
		if def != (contract.TemplateInput{}) {
			return &task.ValidationError{Fields: []task.FieldError{{Field: "from_task",
				Message: "copies the task's definition: send it alone (with name, description or category), or the definition's fields without it"}}}
		}
		t, err = a.watch.TemplateFromTask(r.Context(), user.ID, *b.FromTask, b.Name, b.Description, b.Category)
	} else {
		t, err = a.watch.CreateTemplate(r.Context(), user.ID, b.Template())
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/templates/"+t.ID)
	writeJSON(w, http.StatusCreated, contract.TemplateOf(t))
	return nil
}

// deleteTemplate answers DELETE /templates/{id}; built-in templates cannot be deleted (409).
func (a *API) deleteTemplate(w http.ResponseWriter, r *http.Request, user store.User) error {
	if err := a.watch.DeleteTemplate(r.Context(), user.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// draftOf is a POST /tasks or /tasks/preview body as the service takes it: over its template's
// definition when it names one.
func (a *API) draftOf(r *http.Request, user store.User, b contract.TaskInput) (task.Draft, error) {
	if b.TemplateID == "" {
		return b.Draft(), nil
	}
	return a.watch.FromTemplate(r.Context(), user.ID, b.TemplateID, b.Draft())
}
