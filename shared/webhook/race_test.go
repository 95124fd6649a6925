package webhook_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// manyDeliveries writes n notified runs of one task posting to url, all due at now.
func manyDeliveries(t testing.TB, s *store.Store, now time.Time, url string, n int) store.User {
	t.Helper()
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:racer"})
	require.NoError(t, err)
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Racer", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &now,
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: url}}})
	require.NoError(t, err)
	note := "news"
	for i := range n {
		at := now.Add(-time.Duration(i+1) * time.Second)
		e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: now.Add(time.Hour)})
		require.NoError(t, err)
		_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: at,
			Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: tk.Notifications})
		require.NoError(t, err)
	}
	return u
}

func TestTwoNotifiersRacingOverAThousandSendEachOnce(t *testing.T) {
	e := newHookEnv(t, 0)
	const n = 1000
	u := manyDeliveries(t, e.s, e.clk.Now(), e.recv.URL, n)
	e.recv.Secrets(e.userSecret(t, u))

	var wg sync.WaitGroup
	start := time.Now()
	for range 2 {
		sender := webhook.NewSender(webhook.Deps{Store: e.s, Keys: e.keys, Guard: e.guard,
			PublicURL: "https://torale.example", Now: e.clk.Now, Log: logging.Discard()})
		nt := outbox.New(e.s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, e.clk.Now, logging.Discard())
		wg.Go(func() {
			_, err := nt.DeliverDue(context.Background())
			require.NoError(t, err)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	ids, requests := e.recv.Unique()
	require.Equal(t, n, ids)
	require.Equal(t, n, requests, "no delivery was sent twice")
	for _, h := range e.recv.Hooks() {
		require.Equal(t, []bool{true}, h.Verified)
	}
	due, err := e.s.DueDeliveries(context.Background(), e.clk.Now().Add(time.Hour), 10)
	require.NoError(t, err)
	require.Empty(t, due, "every delivery is recorded as delivered")
	t.Logf("%d deliveries in %v with two notifiers: %.0f/s", n, elapsed, float64(n)/elapsed.Seconds())
}
