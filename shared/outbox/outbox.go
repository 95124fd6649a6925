// Package outbox delivers the notification outbox: it claims due delivery rows, hands each to
// its channel's Sender, and records every attempt, retrying failures on a widening schedule
// until one succeeds or the schedule runs out. The channels live beside it (shared/email,
// shared/webhook); this package knows none of them.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of delivery.
type Store interface {
	ClaimDueDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]task.Delivery, error)
	ClaimDelivery(ctx context.Context, id uuid.UUID, now, leaseUntil time.Time) (task.Delivery, error)
	RecordAttempt(ctx context.Context, a store.Attempt) error
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error)
}

// RetrySchedule is the wait after each failed attempt: about 1 m, 5 m, 30 m, 2 h, 6 h and
// 24 h; after the last, the delivery has failed.
var RetrySchedule = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour}

// Notifier delivers due notifications.
type Notifier struct {
	store   Store
	senders map[task.ChannelType]Sender
	now     func() time.Time
	log     *slog.Logger
	lease   time.Duration
}

// New returns a notifier sending through senders; a channel without a sender records a failed
// attempt and retries, so a notification waits for its channel to be configured.
func New(s Store, senders map[task.ChannelType]Sender, now func() time.Time, log *slog.Logger) *Notifier {
	return &Notifier{store: s, senders: senders, now: now, log: log, lease: 2 * time.Minute}
}

// DeliverDue claims due deliveries in batches and sends each, returning how many it tried.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	total := 0
	for {
		now := n.now()
		batch, err := n.store.ClaimDueDeliveries(ctx, now, now.Add(n.lease), 50)
		if err != nil {
			return total, err
		}
		for _, d := range batch {
			n.deliver(ctx, d)
		}
		total += len(batch)
		if len(batch) < 50 {
			return total, nil
		}
	}
}

// DeliverOne sends the delivery id names if it is due and nobody else holds it, under the same
// lease as DeliverDue. It reports whether it tried; a delivered, failed, not-yet-due or claimed
// row is left alone, so a duplicated trigger does nothing.
func (n *Notifier) DeliverOne(ctx context.Context, id uuid.UUID) (bool, error) {
	now := n.now()
	d, err := n.store.ClaimDelivery(ctx, id, now, now.Add(n.lease))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n.deliver(ctx, d)
	return true, nil
}

// HandleMessage delivers the outbox row a notify message names. A malformed message is acked
// (logged and dropped); an error means the claim could not be made and the message should come
// again. A failed send is not an error: its retry is scheduled in the database.
func (n *Notifier) HandleMessage(ctx context.Context, data []byte) error {
	m, err := event.DecodeNotify(data)
	if err != nil {
		n.log.Error("dropping notify message", slog.String("error", err.Error()))
		return nil
	}
	if _, err := n.DeliverOne(ctx, m.DeliveryID); err != nil {
		return fmt.Errorf("delivering %s: %w", m.DeliveryID, err)
	}
	return nil
}

func (n *Notifier) deliver(ctx context.Context, d task.Delivery) {
	log := n.log.With(slog.String("delivery_id", d.ID.String()), slog.String("channel", string(d.Channel)), slog.Int("attempt", d.Attempts))
	start := n.now()
	receipt, err := n.send(ctx, d)
	a := store.Attempt{DeliveryID: d.ID, Number: d.Attempts, At: n.now(), OK: err == nil,
		ResponseCode: receipt.ResponseCode, Latency: receipt.Latency}
	if a.Latency == 0 {
		a.Latency = n.now().Sub(start)
	}
	if err != nil {
		a.Error = err.Error()
		if !IsPermanent(err) && d.Attempts <= len(RetrySchedule) {
			wait := jitter(RetrySchedule[d.Attempts-1])
			wait = max(wait, min(receipt.RetryAfter, RetrySchedule[len(RetrySchedule)-1]))
			at := a.At.Add(wait)
			a.RetryAt = &at
		}
		log.Warn("delivery failed", slog.String("error", err.Error()), slog.Bool("final", a.RetryAt == nil))
	}
	if err := n.store.RecordAttempt(ctx, a); err != nil {
		// The claim's lease runs out and the delivery is tried again with the same id.
		log.Error("recording delivery attempt", slog.String("error", err.Error()))
	}
}

func (n *Notifier) send(ctx context.Context, d task.Delivery) (Receipt, error) {
	sender, ok := n.senders[d.Channel]
	if !ok {
		return Receipt{}, fmt.Errorf("no %s sender is configured on this deployment", d.Channel)
	}
	t, err := n.store.GetTask(ctx, d.UserID, d.TaskID)
	if err != nil {
		return Receipt{}, fmt.Errorf("loading task: %w", err)
	}
	e, err := n.store.GetExecution(ctx, d.UserID, d.ExecutionID)
	if err != nil {
		return Receipt{}, fmt.Errorf("loading execution: %w", err)
	}
	return sender.Send(ctx, Message{Delivery: d, Task: t, Execution: e})
}

// jitter spreads retries by ±10% so failures that happened together do not retry together.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}

// Every runs DeliverDue every interval until ctx ends.
func (n *Notifier) Every(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := n.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("delivering notifications", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
