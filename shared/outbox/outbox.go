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
	"github.com/torale-ai/torale/shared/lane"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of delivery.
type Store interface {
	ClaimFairDeliveries(ctx context.Context, c store.FairClaim) ([]task.Delivery, error)
	ClaimDeliveryUnless(ctx context.Context, id uuid.UUID, now, leaseUntil time.Time, skip []uuid.UUID) (task.Delivery, error)
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error)
	RecordAttempt(ctx context.Context, a store.Attempt) error
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	GetExecution(ctx context.Context, userID, id uuid.UUID) (task.Execution, error)
	GetAlert(ctx context.Context, userID, id uuid.UUID) (task.Alert, error)
}

// RetrySchedule is the wait after each failed attempt: about 1 m, 5 m, 30 m, 2 h, 6 h and
// 24 h; after the last, the delivery has failed.
var RetrySchedule = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour}

// Notifier delivers due notifications, sending concurrently on workers that users share
// fairly (see Limits).
type Notifier struct {
	store   Store
	senders map[task.ChannelType]Sender
	now     func() time.Time
	log     *slog.Logger
	lease   time.Duration
	limits  Limits
	pool    *lane.Pool
	poll    time.Duration
}

// New returns a notifier sending through senders under the default Limits; a channel without a
// sender records a failed attempt and retries, so a notification waits for its channel to be
// configured.
func New(s Store, senders map[task.ChannelType]Sender, now func() time.Time, log *slog.Logger) *Notifier {
	return NewWithLimits(s, senders, now, log, Limits{})
}

// NewWithLimits is New with the sharing of the notifier's workers set by l.
func NewWithLimits(s Store, senders map[task.ChannelType]Sender, now func() time.Time, log *slog.Logger, l Limits) *Notifier {
	l = l.withDefaults()
	return &Notifier{store: s, senders: senders, now: now, log: log, lease: 2 * time.Minute, limits: l, poll: time.Second,
		pool: lane.New(lane.Options{Workers: l.Workers, PerTenant: l.PerUser, PerKey: l.PerDestination, Backlog: l.Backlog, KeyLimit: laneLimit})}
}

// DeliverOne sends the delivery id names if it is due and nobody else holds it, under the same
// lease as DeliverDue, and waits for the send. It reports whether it tried; a delivered, failed,
// not-yet-due or claimed row is left alone, so a duplicated trigger does nothing, and so is the
// row of a user whose share of the workers is full: it stays due for the next pass.
func (n *Notifier) DeliverOne(ctx context.Context, id uuid.UUID) (bool, error) {
	d, ok, err := n.claimOne(ctx, id)
	if !ok {
		return false, err
	}
	if err := n.pool.Do(ctx, d.UserID.String(), Destination(d), func() { n.deliver(ctx, d) }); err != nil {
		return true, fmt.Errorf("waiting for a worker: %w", err)
	}
	return true, nil
}

// HandleMessage delivers the outbox row a notify message names, waiting for the send (a push
// subscription's request must not end before its work). A malformed message is acked (logged
// and dropped); an error means the claim could not be made and the message should come again.
// A failed send is not an error: its retry is scheduled in the database.
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

// Enqueue is HandleMessage for an in-process bus: it claims the row and returns, leaving the
// send to the notifier's workers, so that the bus's few workers never wait on a slow receiver.
// The send runs under ctx, which must outlive the call (the bus's handler context does).
func (n *Notifier) Enqueue(ctx context.Context, data []byte) error {
	m, err := event.DecodeNotify(data)
	if err != nil {
		n.log.Error("dropping notify message", slog.String("error", err.Error()))
		return nil
	}
	d, ok, err := n.claimOne(ctx, m.DeliveryID)
	if !ok {
		if err != nil {
			return fmt.Errorf("delivering %s: %w", m.DeliveryID, err)
		}
		return nil
	}
	n.pool.Go(d.UserID.String(), Destination(d), func() { n.deliver(ctx, d) })
	return nil
}

// claimOne claims the row id names unless its user's share of the workers is full; ok is false
// (with a nil error) when there is nothing to send now.
func (n *Notifier) claimOne(ctx context.Context, id uuid.UUID) (task.Delivery, bool, error) {
	now := n.now()
	d, err := n.store.ClaimDeliveryUnless(ctx, id, now, now.Add(n.lease), n.saturated())
	if errors.Is(err, store.ErrNotFound) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	return d, true, nil
}

func (n *Notifier) deliver(ctx context.Context, d task.Delivery) {
	log := n.log.With(slog.String("delivery_id", d.ID.String()), slog.String("channel", string(d.Channel)), slog.Int("attempt", d.Attempts))
	start := n.now()
	receipt, err := n.send(ctx, d)
	end := n.now()
	// The attempt is logged at its start; its latency says how long it took.
	a := store.Attempt{DeliveryID: d.ID, Number: d.Attempts, At: start, Ended: end, OK: err == nil,
		ResponseCode: receipt.ResponseCode, Latency: receipt.Latency}
	if a.Latency == 0 {
		a.Latency = end.Sub(start)
	}
	if err != nil {
		a.Error = err.Error()
		if !IsPermanent(err) && d.Attempts <= len(RetrySchedule) {
			wait := jitter(RetrySchedule[d.Attempts-1])
			wait = max(wait, min(receipt.RetryAfter, RetrySchedule[len(RetrySchedule)-1]))
			at := end.Add(wait)
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
	if d.AlertID != nil {
		a, err := n.store.GetAlert(ctx, d.UserID, *d.AlertID)
		if err != nil {
			return Receipt{}, fmt.Errorf("loading alert: %w", err)
		}
		return sender.Send(ctx, Message{Delivery: d, Task: t, Alert: &a})
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
