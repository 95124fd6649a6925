package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
)

// Marker records that notify messages went out.
type Marker interface {
	MarkPublished(ctx context.Context, ids []uuid.UUID, at time.Time) error
}

// OutboxPublisher is the runner's publisher: it publishes like the one it wraps and, once a
// notify message is out, stamps its outbox row's published_at, so reconcile republishes only
// the rows whose message never left (the runner stopped in between).
type OutboxPublisher struct {
	pub    event.Publisher
	marker Marker
	now    func() time.Time
	log    *slog.Logger
}

// NewOutboxPublisher wraps pub.
func NewOutboxPublisher(pub event.Publisher, m Marker, now func() time.Time, log *slog.Logger) *OutboxPublisher {
	return &OutboxPublisher{pub: pub, marker: m, now: now, log: log}
}

// Publish implements event.Publisher.
func (p *OutboxPublisher) Publish(ctx context.Context, topic string, data []byte) error {
	if err := p.pub.Publish(ctx, topic, data); err != nil {
		return err
	}
	if topic != event.TopicNotify {
		return nil
	}
	m, err := event.DecodeNotify(data)
	if err != nil {
		return nil
	}
	if err := p.marker.MarkPublished(ctx, []uuid.UUID{m.DeliveryID}, p.now()); err != nil {
		// The message is out; reconcile will send it once more, which the notifier tolerates.
		p.log.WarnContext(ctx, "recording a published notification", "delivery_id", m.DeliveryID.String(), "error", err.Error())
	}
	return nil
}
