package watch

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Templates returns the built-in gallery followed by the user's own templates, newest first.
func (s *Service) Templates(ctx context.Context, userID uuid.UUID) ([]task.Template, error) {
	own, err := s.store.ListTemplates(ctx, userID)
	if err != nil {
		return nil, err
	}
	return append(s.gallery().All(), own...), nil
}

// Template returns the built-in template or the user's own with the given id, or
// store.ErrNotFound.
func (s *Service) Template(ctx context.Context, userID uuid.UUID, id string) (task.Template, error) {
	if t, ok := s.gallery().Get(id); ok {
		return t, nil
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return task.Template{}, store.ErrNotFound
	}
	return s.store.GetTemplate(ctx, userID, uid)
}

// FromTemplate returns d over the template's definition: a task made from a template keeps
// every field d sets. An unknown template is a validation error on template_id, so the user
// learns which field to fix.
func (s *Service) FromTemplate(ctx context.Context, userID uuid.UUID, id string, d task.Draft) (task.Draft, error) {
	t, err := s.Template(ctx, userID, strings.TrimSpace(id))
	if errors.Is(err, store.ErrNotFound) {
		return task.Draft{}, &task.ValidationError{Fields: []task.FieldError{{Field: "template_id",
			Message: "names no template; GET /api/v1/templates lists them"}}}
	}
	if err != nil {
		return task.Draft{}, err
	}
	return t.Over(d), nil
}

// CreateTemplate validates t as a task definition and stores it as the user's own.
func (s *Service) CreateTemplate(ctx context.Context, userID uuid.UUID, t task.Template) (task.Template, error) {
	n, err := t.Normalize(s.rules)
	if err != nil {
		return task.Template{}, err
	}
	return s.store.CreateTemplate(ctx, userID, n)
}

// TemplateFromTask saves the definition of the user's task as a template ("save as
// template"): task.TemplateOf says what is copied, and never channels, context or secrets.
// Name, description and category, when given, replace the task's name and the defaults.
func (s *Service) TemplateFromTask(ctx context.Context, userID, taskID uuid.UUID, name, description, category string) (task.Template, error) {
	cur, err := s.store.GetTask(ctx, userID, taskID)
	if err != nil {
		return task.Template{}, err
	}
	t := task.TemplateOf(cur)
	if strings.TrimSpace(name) != "" {
		t.Name = name
	}
	t.Description = description
	if strings.TrimSpace(category) != "" {
		t.Category = category
	}
	return s.CreateTemplate(ctx, userID, t)
}

// DeleteTemplate removes the user's template. The built-in ones belong to everyone and cannot
// be deleted (409); an id that is neither is store.ErrNotFound.
func (s *Service) DeleteTemplate(ctx context.Context, userID uuid.UUID, id string) error {
	if _, ok := s.gallery().Get(id); ok {
		return &store.ConflictError{Reason: "Built-in templates cannot be deleted."}
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return store.ErrNotFound
	}
	return s.store.DeleteTemplate(ctx, userID, uid)
}
