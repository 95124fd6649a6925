package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// flaky fails the first n sends, then delivers; it records every delivery id it saw.
type flaky struct {
	mu    sync.Mutex
	fails int
	err   error
	seen  []uuid.UUID
}

func (f *flaky) Send(_ context.Context, m outbox.Message) (outbox.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, m.Delivery.ID)
	if f.fails > 0 {
		f.fails--
		return outbox.Receipt{ResponseCode: 503}, f.err
	}
	return outbox.Receipt{ResponseCode: 200}, nil
}

func TestRetriesOnScheduleThenDelivers(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, e := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/hook"})
	hook := &flaky{fails: 2, err: errors.New("503 from receiver")}
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	ctx := context.Background()

	tried, err := n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, tried)
	tried, err = n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Zero(t, tried, "not due again before the first retry")

	clk.Add(53 * time.Second) // the first retry is 1 m ± 10%
	tried, _ = n.DeliverDue(ctx)
	require.Zero(t, tried)
	clk.Add(14 * time.Second)
	tried, _ = n.DeliverDue(ctx)
	require.Equal(t, 1, tried)
	clk.Add(5*time.Minute + 31*time.Second)
	tried, _ = n.DeliverDue(ctx)
	require.Equal(t, 1, tried)

	ds, err := s.ListDeliveries(ctx, u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
	require.Equal(t, 3, ds[0].Attempts)
	require.Len(t, hook.seen, 3)
	require.Equal(t, hook.seen[0], hook.seen[2], "every attempt carries the same delivery id")
	clk.Add(48 * time.Hour)
	tried, _ = n.DeliverDue(ctx)
	require.Zero(t, tried, "a delivered notification is never sent again")
}

func TestPermanentFailureAndMissingSender(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, e := outboxtest.Notified(t, s, clk.Now(),
		task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/gone"},
		task.Notification{Type: task.ChannelEmail, Address: "me@example.com"})
	hook := &flaky{fails: 1, err: outbox.Permanent(errors.New("410 Gone"))}
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	_, err := n.DeliverDue(context.Background())
	require.NoError(t, err)

	ds, err := s.ListDeliveries(context.Background(), u.ID, e.ID)
	require.NoError(t, err)
	byChannel := map[task.ChannelType]task.Delivery{}
	for _, d := range ds {
		byChannel[d.Channel] = d
	}
	require.Equal(t, task.DeliveryFailed, byChannel[task.ChannelWebhook].Status)
	require.Contains(t, byChannel[task.ChannelWebhook].LastError, "410")
	email := byChannel[task.ChannelEmail]
	require.Equal(t, task.DeliveryPending, email.Status, "a channel without a sender waits for one")
	require.Contains(t, email.LastError, "no email sender")
	require.True(t, email.NextAttemptAt.After(clk.Now()))
}

func TestGivesUpAfterTheLastRetry(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, e := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/down"})
	hook := &flaky{fails: 100, err: errors.New("connection refused")}
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	for range 20 {
		_, err := n.DeliverDue(context.Background())
		require.NoError(t, err)
		clk.Add(27 * time.Hour)
	}
	require.Len(t, hook.seen, len(outbox.RetrySchedule)+1)
	ds, err := s.ListDeliveries(context.Background(), u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status)
}

func TestTwoNotifiersSendEachOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for range 100 {
		outboxtest.Notified(t, s, now, task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/h"})
	}
	hook := &flaky{}
	var wg sync.WaitGroup
	for range 2 {
		n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, func() time.Time { return now }, logging.Discard())
		wg.Go(func() {
			_, err := n.DeliverDue(context.Background())
			require.NoError(t, err)
		})
	}
	wg.Wait()
	seen := map[uuid.UUID]int{}
	for _, id := range hook.seen {
		seen[id]++
	}
	require.Len(t, seen, 100)
	for _, c := range seen {
		require.Equal(t, 1, c)
	}
}
