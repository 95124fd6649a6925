package outbox_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

type recordingPublisher struct {
	mu   sync.Mutex
	msgs []event.Notify
}

func (p *recordingPublisher) Publish(_ context.Context, topic string, data []byte) error {
	var m event.Notify
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	p.mu.Lock()
	p.msgs = append(p.msgs, m)
	p.mu.Unlock()
	return nil
}

func TestNotifyMessageDeliversItsRowOnce(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, exec := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/h"})
	hook := &flaky{}
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	ds, err := s.ListDeliveries(ctx, u.ID, exec.ID)
	require.NoError(t, err)
	msg, err := json.Marshal(event.Notify{Version: event.Version, DeliveryID: ds[0].ID})
	require.NoError(t, err)

	var wg sync.WaitGroup
	for range 5 { // Pub/Sub delivers at least once; duplicates arrive together
		wg.Go(func() { require.NoError(t, n.HandleMessage(ctx, msg)) })
	}
	wg.Wait()
	require.Len(t, hook.seen, 1)
	require.NoError(t, n.HandleMessage(ctx, msg), "a delivered row is acked and left alone")
	require.Len(t, hook.seen, 1)

	require.NoError(t, n.HandleMessage(ctx, []byte(`{"version":1}`)), "malformed: acked")
	other, _ := json.Marshal(event.Notify{Version: event.Version, DeliveryID: uuid.New()})
	require.NoError(t, n.HandleMessage(ctx, other), "an unknown row: nothing to do")
}

func TestPublishDueAsksForEveryDueDelivery(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for range 3 {
		outboxtest.Notified(t, s, now, task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/h"})
	}
	pub := &recordingPublisher{}
	n, err := outbox.PublishDue(ctx, s, pub, now.Add(-time.Second), 10)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due before its time")
	n, err = outbox.PublishDue(ctx, s, pub, now, 10)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Len(t, pub.msgs, 3)

	hook := &flaky{}
	nt := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, func() time.Time { return now }, logging.Discard())
	for _, m := range pub.msgs {
		tried, err := nt.DeliverOne(ctx, m.DeliveryID)
		require.NoError(t, err)
		require.True(t, tried)
	}
	n, err = outbox.PublishDue(ctx, s, pub, now.Add(time.Hour), 10)
	require.NoError(t, err)
	require.Zero(t, n, "delivered rows are never due again")
}
