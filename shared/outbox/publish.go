package outbox

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
)

// DueLister finds due outbox rows without claiming them.
type DueLister interface {
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error)
}

// PublishDue asks, through pub, for each due delivery to be sent (at most limit), and says how
// many it asked for. The periodic tick uses it where no notifier runs in the background: retries
// come due in the database and the notify function sends them.
func PublishDue(ctx context.Context, s DueLister, pub event.Publisher, now time.Time, limit int) (int, error) {
	ids, err := s.DueDeliveries(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if err := event.PublishJSON(ctx, pub, event.TopicNotify, event.Notify{Version: event.Version, DeliveryID: id}); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}
