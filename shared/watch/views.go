package watch

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
)

// Views returns a page of the user's tasks with what each view carries besides the task (its
// latest run, this month's spend, why its recent runs stayed silent), in one query.
func (s *Service) Views(ctx context.Context, userID uuid.UUID, f store.TaskFilter) ([]store.TaskView, error) {
	return s.store.ListTaskViews(ctx, userID, f, s.now())
}

// View returns one of the user's tasks with its view's extras, in one query.
func (s *Service) View(ctx context.Context, userID, id uuid.UUID) (store.TaskView, error) {
	return s.store.GetTaskView(ctx, userID, id, s.now())
}

// ViewsByKey is Views for the owner of an unrevoked API key, authenticated in the same query;
// none when the key is unknown or revoked, or the page is empty.
func (s *Service) ViewsByKey(ctx context.Context, keyHash []byte, f store.TaskFilter) ([]store.TaskView, error) {
	return s.store.ListTaskViewsByKey(ctx, keyHash, f, s.now())
}

// ViewByKey is View for the owner of an unrevoked API key, authenticated in the same query;
// store.ErrNotFound when the key is unknown or revoked, or the task is not the owner's.
func (s *Service) ViewByKey(ctx context.Context, keyHash []byte, id uuid.UUID) (store.TaskView, error) {
	return s.store.GetTaskViewByKey(ctx, keyHash, id, s.now())
}
