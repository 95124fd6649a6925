package outbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/task"
)

// RedeliverStore writes the new outbox row of a replay.
type RedeliverStore interface {
	Redeliver(ctx context.Context, userID, id uuid.UUID, now time.Time) (task.Delivery, error)
}

// Redeliverer sends a delivered or failed notification again: a new outbox row for the same
// run, channel and stored target, with a new delivery id, sent and recorded like any other.
type Redeliverer struct {
	store RedeliverStore
	pub   event.Publisher
	now   func() time.Time
	log   *slog.Logger
}

// NewRedeliverer returns a Redeliverer that asks for the send through pub.
func NewRedeliverer(s RedeliverStore, pub event.Publisher, now func() time.Time, log *slog.Logger) *Redeliverer {
	return &Redeliverer{store: s, pub: pub, now: now, log: log}
}

// Redeliver queues the replay of the user's delivery id and asks for it to be sent now. When
// the ask cannot be published, the row is still due and the next due pass sends it.
func (r *Redeliverer) Redeliver(ctx context.Context, userID, id uuid.UUID) (task.Delivery, error) {
	d, err := r.store.Redeliver(ctx, userID, id, r.now())
	if err != nil {
		return task.Delivery{}, err
	}
	m := event.Notify{Version: event.Version, DeliveryID: d.ID}
	if err := event.PublishJSON(ctx, r.pub, event.TopicNotify, m); err != nil {
		r.log.WarnContext(ctx, "publishing a redelivery; the due pass will send it", slog.String("delivery_id", d.ID.String()),
			slog.String("error", err.Error()))
	}
	return d, nil
}
