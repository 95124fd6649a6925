package outbox_test

import (
	"context"
	"fmt"
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
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// hanging is a sender whose sends to the slow user's receivers hang until released (as
// receivers that never answer hold a request until its timeout) and whose other sends succeed
// at once. It records whose send was attempted, in order.
type hanging struct {
	slow    uuid.UUID
	release chan struct{}
	mu      sync.Mutex
	order   []uuid.UUID
	other   chan int // how many of the slow user's sends had begun when another user's did
}

func newHanging(slow uuid.UUID) *hanging {
	return &hanging{slow: slow, release: make(chan struct{}), other: make(chan int, 10)}
}

func (h *hanging) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	h.mu.Lock()
	h.order = append(h.order, m.Delivery.UserID)
	slowBegun := len(h.order) - 1
	h.mu.Unlock()
	if m.Delivery.UserID != h.slow {
		h.other <- slowBegun
		return outbox.Receipt{ResponseCode: 200}, nil
	}
	select {
	case <-h.release:
		return outbox.Receipt{ResponseCode: 200}, nil
	case <-ctx.Done():
		return outbox.Receipt{}, ctx.Err()
	}
}

func (h *hanging) attempts(user uuid.UUID) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, u := range h.order {
		if u == user {
			n++
		}
	}
	return n
}

// waitOther returns how many of the slow user's sends had begun when another user's send was
// attempted; it fails the test if that never happens while the slow sends hang.
func (h *hanging) waitOther(t *testing.T) int {
	t.Helper()
	select {
	case n := <-h.other:
		return n
	case <-time.After(10 * time.Second): // a deadlock guard, not a measurement
		close(h.release)
		t.Fatal("another user's delivery was not attempted while the slow user's receivers hung")
		return 0
	}
}

// twentySlowReceivers writes runs of 20 tasks of one user, each posting to its own receiver (its
// own host), and then one run of another user; the other user's row is the youngest.
func twentySlowReceivers(t *testing.T, s *store.Store, clk *clocktest.Clock) (slow, other store.User) {
	t.Helper()
	hook := func(i int) task.Notification {
		return task.Notification{Type: task.ChannelWebhook, URL: fmt.Sprintf("https://hang-%d.example/hook", i)}
	}
	slow, _ = outboxtest.Notified(t, s, clk.Now(), hook(0))
	for i := 1; i < 20; i++ {
		tk, err := s.CreateTask(context.Background(), store.NewTask{UserID: slow.ID, Name: "w", SearchQuery: "query",
			ConditionDescription: "c", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive,
			Notifications: []task.Notification{hook(i)}})
		require.NoError(t, err)
		outboxtest.Run(t, s, tk, clk.Now())
	}
	clk.Add(time.Second)
	other, _ = outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://hooks.example/ok"})
	return slow, other
}

// While one user's 20 receivers hang, another user's delivery is attempted before the slow
// user's next one: the slow user holds at most its share of the notifier (4 by default).
func TestSlowReceiversOfOneUserDoNotDelayAnother(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	slow, other := twentySlowReceivers(t, s, clk)
	h := newHanging(slow.ID)
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: h}, clk.Now, logging.Discard())

	done := make(chan int, 1)
	go func() {
		tried, err := n.DeliverDue(context.Background())
		require.NoError(t, err)
		done <- tried
	}()
	require.LessOrEqual(t, h.waitOther(t), 4, "the other user's delivery came before the slow user's fifth")
	require.Equal(t, 1, h.attempts(other.ID))
	require.LessOrEqual(t, h.attempts(slow.ID), 4, "the slow user holds no more than its share")
	close(h.release)
	require.Equal(t, 21, <-done, "every delivery is still tried, once")
	require.Equal(t, 20, h.attempts(slow.ID))
}

// On the in-process bus, the notify handler claims and returns; a user whose share is full is
// not claimed for, and their rows wait, due, in the database, while another user's goes out.
func TestEnqueueLeavesASaturatedUsersRowsDue(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	slow, other := twentySlowReceivers(t, s, clk)
	h := newHanging(slow.ID)
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: h}, clk.Now, logging.Discard())
	ctx := context.Background()
	defer func() { require.Equal(t, 1, h.attempts(other.ID)) }()

	due, err := s.DueDeliveries(ctx, clk.Now(), 100)
	require.NoError(t, err)
	require.Len(t, due, 21)
	for _, id := range due {
		require.NoError(t, n.Enqueue(ctx, notifyMessage(t, id)), "the handler returns without waiting for a send")
	}
	require.LessOrEqual(t, h.waitOther(t), 4)
	left, err := s.DueDeliveries(ctx, clk.Now(), 100)
	require.NoError(t, err)
	require.Len(t, left, 4, "the slow user's rows past its backlog of 16 stay due for a later pass")
	require.LessOrEqual(t, h.attempts(slow.ID), 4, "of which 4 at most are sent at once")
	close(h.release)
	require.Eventually(t, func() bool { return h.attempts(slow.ID) == 16 }, 10*time.Second, time.Millisecond)
	tried, err := n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 4, tried, "the next pass sends the rest")
}

func notifyMessage(t *testing.T, id uuid.UUID) []byte {
	t.Helper()
	return []byte(fmt.Sprintf(`{"version":%d,"delivery_id":%q}`, event.Version, id))
}

// clockedSend takes d on the injected clock, as a slow receiver would.
type clockedSend struct {
	clk *clocktest.Clock
	d   time.Duration
}

func (c clockedSend) Send(context.Context, outbox.Message) (outbox.Receipt, error) {
	c.clk.Add(c.d)
	return outbox.Receipt{ResponseCode: 200}, nil
}

// An attempt is logged at the moment it began; its latency says how long it took.
func TestAttemptIsLoggedAtItsStart(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	start := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	clk := clocktest.New(start)
	u, _ := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/slow"})
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: clockedSend{clk: clk, d: 7 * time.Second}}, clk.Now, logging.Discard())
	tried, err := n.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, tried)

	log, err := s.ListDeliveryLog(context.Background(), u.ID, task.ChannelWebhook, nil, 10, nil)
	require.NoError(t, err)
	require.Len(t, log, 1)
	require.Len(t, log[0].AttemptLog, 1)
	a := log[0].AttemptLog[0]
	require.True(t, a.AttemptedAt.Equal(start), "attempted_at %v is the start, not the end", a.AttemptedAt)
	require.Equal(t, 7000, a.LatencyMS)
	require.True(t, log[0].DeliveredAt.Equal(start.Add(7*time.Second)), "delivered_at is when the send ended")
}
