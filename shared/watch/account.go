package watch

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
)

// RemoveTriggers deletes the trigger of every task the user has, whatever its state, before
// their account is deleted: the rows go by cascade, and no job may outlive them. It says how
// many tasks it went through; in sweep mode there is nothing to remove.
func (s *Service) RemoveTriggers(ctx context.Context, userID uuid.UUID) (int, error) {
	n := 0
	f := store.TaskFilter{Limit: 200}
	for {
		page, err := s.store.ListTasks(ctx, userID, f)
		if err != nil {
			return n, err
		}
		for _, t := range page {
			if err := s.removeTrigger(ctx, t); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < f.Limit {
			return n, nil
		}
		last := page[len(page)-1]
		f.After = &store.Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
}
