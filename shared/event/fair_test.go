package event_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
)

// runs records which user's run-task messages the bus hands to the handler, in order, and
// holds user a's runs until released, as a burst of slow runs would.
type runs struct {
	mu      sync.Mutex
	order   []uuid.UUID
	a       uuid.UUID
	release chan struct{}
	victim  chan int // how many of a's runs had started when b's started
}

func (r *runs) handle(_ context.Context, data []byte) error {
	m, err := event.DecodeRunTask(data)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.order = append(r.order, m.UserID)
	started := len(r.order) - 1
	r.mu.Unlock()
	if m.UserID != r.a {
		r.victim <- started
		return nil
	}
	<-r.release
	return nil
}

func publishRun(t *testing.T, bus *event.Bus, user uuid.UUID) {
	t.Helper()
	data, err := json.Marshal(event.RunTask{Version: event.Version, TaskID: uuid.New(), UserID: user})
	require.NoError(t, err)
	require.NoError(t, bus.Publish(context.Background(), event.TopicRunTask, data))
}

// One user's burst of 50 runs that hang must not queue another user's run behind it: the bus
// lets one user hold all its workers but one, and users take turns for each free worker.
func TestBurstOfOneUserDoesNotQueueAnotherUsersRun(t *testing.T) {
	const workers, burst = 4, 50
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	r := &runs{a: uuid.New(), release: make(chan struct{}), victim: make(chan int, 1)}
	bus.Subscribe(event.TopicRunTask, workers, r.handle)
	for range burst {
		publishRun(t, bus, r.a)
	}
	publishRun(t, bus, uuid.New())

	var before int
	select {
	case before = <-r.victim:
	case <-time.After(10 * time.Second): // a deadlock guard, not a measurement
		close(r.release)
		t.Fatal("the other user's run did not start while the burst's runs hung")
	}
	require.LessOrEqual(t, before, workers-1, "the other user's run started before all but the burst's first runs")
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.order) == workers
	}, 10*time.Second, time.Millisecond, "the burst holds the other workers meanwhile")
	close(r.release)
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.order) == burst+1
	}, 10*time.Second, time.Millisecond, "every run of the burst still runs")
	bus.Close(context.Background())
}
