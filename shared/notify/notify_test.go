package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/notify"
	"github.com/torale-ai/torale/shared/store"
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

func (f *flaky) Send(_ context.Context, m notify.Message) (notify.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, m.Delivery.ID)
	if f.fails > 0 {
		f.fails--
		return notify.Receipt{ResponseCode: 503}, f.err
	}
	return notify.Receipt{ResponseCode: 200}, nil
}

// outbox writes a notified run of a new task for a new user and returns its execution.
func outbox(t *testing.T, s *store.Store, now time.Time, channels ...task.Notification) (store.User, task.Execution) {
	t.Helper()
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:" + uuid.NewString()[:8]})
	require.NoError(t, err)
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "w", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, Notifications: channels, State: task.StateActive, NextRunAt: &now})
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	note := "news"
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: channels})
	require.NoError(t, err)
	return u, e
}

func TestRetriesOnScheduleThenDelivers(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, e := outbox(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/hook"})
	hook := &flaky{fails: 2, err: errors.New("503 from receiver")}
	n := notify.New(s, map[task.ChannelType]notify.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
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
	u, e := outbox(t, s, clk.Now(),
		task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/gone"},
		task.Notification{Type: task.ChannelEmail, Address: "me@example.com"})
	hook := &flaky{fails: 1, err: fmt.Errorf("410 Gone: %w", notify.ErrPermanent)}
	n := notify.New(s, map[task.ChannelType]notify.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
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
	u, e := outbox(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/down"})
	hook := &flaky{fails: 100, err: errors.New("connection refused")}
	n := notify.New(s, map[task.ChannelType]notify.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	for range 20 {
		_, err := n.DeliverDue(context.Background())
		require.NoError(t, err)
		clk.Add(27 * time.Hour)
	}
	require.Len(t, hook.seen, len(notify.RetrySchedule)+1)
	ds, err := s.ListDeliveries(context.Background(), u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status)
}

func TestTwoNotifiersSendEachOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for range 100 {
		outbox(t, s, now, task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/h"})
	}
	hook := &flaky{}
	var wg sync.WaitGroup
	for range 2 {
		n := notify.New(s, map[task.ChannelType]notify.Sender{task.ChannelWebhook: hook}, func() time.Time { return now }, logging.Discard())
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
