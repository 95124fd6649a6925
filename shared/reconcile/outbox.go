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

// OutboxPublisher is the runner's publisher: it publishes like the one it wraps, and its
// PublishNotify, once a delivery's notify message is out, stamps the outbox row's published_at,
// so reconcile republishes only the rows whose message never left (the runner stopped in
// between).
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

// Publish implements event.Publisher; it passes messages through unrecorded.
func (p *OutboxPublisher) Publish(ctx context.Context, topic string, data []byte) error {
	return p.pub.Publish(ctx, topic, data)
}

// PublishNotify publishes the notify message of one delivery and records the row as published.
func (p *OutboxPublisher) PublishNotify(ctx context.Context, deliveryID uuid.UUID) error {
	msg := event.Notify{Version: event.Version, DeliveryID: deliveryID}
	if err := event.PublishJSON(ctx, p.pub, event.TopicNotify, msg); err != nil {
		return err
	}
	if err := p.marker.MarkPublished(ctx, []uuid.UUID{deliveryID}, p.now()); err != nil {
		// The message is out; reconcile will send it once more, which the notifier tolerates.
		p.log.WarnContext(ctx, "recording a published notification", slog.String("delivery_id", deliveryID.String()),
			slog.String("error", err.Error()))
	}
	return nil
}
