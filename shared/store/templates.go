package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// MaxTemplates is the most templates a user may keep: enough for anyone's own gallery, and one
// query lists them all.
const MaxTemplates = 100

// CreateTemplate stores a template of the user's (validated by the caller). A user at
// MaxTemplates is refused with a *ConflictError.
func (s *Store) CreateTemplate(ctx context.Context, userID uuid.UUID, t task.Template) (task.Template, error) {
	var out task.Template
	err := s.inTx(ctx, func(q *db.Queries) error {
		// The user's row lock makes the count and the insert one step per user.
		if err := q.LockUserTasks(ctx, userID); err != nil {
			return translate(err)
		}
		n, err := q.CountTemplates(ctx, userID)
		if err != nil {
			return translate(err)
		}
		if n >= MaxTemplates {
			return conflict(fmt.Sprintf("You have %d templates, the most allowed; delete one first.", n))
		}
		r, err := q.InsertTemplate(ctx, db.InsertTemplateParams{UserID: userID, Name: t.Name, Description: t.Description,
			Category: t.Category, SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
			Schedule: t.Schedule, Timezone: t.Timezone, NotifyBehavior: string(t.NotifyBehavior), Depth: string(depthOr(t.Depth))})
		out = templateOf(r)
		return translate(err)
	})
	if err != nil {
		return task.Template{}, fmt.Errorf("creating template: %w", err)
	}
	return out, nil
}

// ListTemplates returns all the user's templates, newest first.
func (s *Store) ListTemplates(ctx context.Context, userID uuid.UUID) ([]task.Template, error) {
	rows, err := s.q.ListTemplates(ctx, db.ListTemplatesParams{UserID: userID, MaxRows: MaxTemplates})
	return mapAll(rows, err, "listing templates", templateOf)
}

// GetTemplate returns the user's template, or ErrNotFound when it is missing or someone else's.
func (s *Store) GetTemplate(ctx context.Context, userID, id uuid.UUID) (task.Template, error) {
	r, err := s.q.GetTemplate(ctx, db.GetTemplateParams{ID: id, UserID: userID})
	if err != nil {
		return task.Template{}, fmt.Errorf("reading template: %w", translate(err))
	}
	return templateOf(r), nil
}

// DeleteTemplate removes the user's template, or returns ErrNotFound.
func (s *Store) DeleteTemplate(ctx context.Context, userID, id uuid.UUID) error {
	n, err := s.q.DeleteTemplate(ctx, db.DeleteTemplateParams{ID: id, UserID: userID})
	if err != nil {
		return fmt.Errorf("deleting template: %w", translate(err))
	}
	if n == 0 {
		return fmt.Errorf("deleting template: %w", ErrNotFound)
	}
	return nil
}

func templateOf(r db.TaskTemplate) task.Template {
	created := r.CreatedAt
	return task.Template{ID: r.ID.String(), Name: r.Name, Description: r.Description, Category: r.Category,
		SearchQuery: r.SearchQuery, ConditionDescription: r.ConditionDescription, Schedule: r.Schedule,
		Timezone: r.Timezone, NotifyBehavior: task.NotifyBehavior(r.NotifyBehavior), Depth: task.Depth(r.Depth),
		CreatedAt: &created}
}
