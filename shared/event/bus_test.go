package event_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
)

func TestBusRedeliversUntilHandled(t *testing.T) {
	bus := event.NewBus(logging.Discard(), event.BusOptions{Backoff: func(int) time.Duration { return time.Millisecond }})
	var calls atomic.Int32
	done := make(chan string, 1)
	bus.Subscribe("t", 1, func(_ context.Context, data []byte) error {
		if calls.Add(1) < 3 {
			return errors.New("not yet")
		}
		done <- string(data)
		return nil
	})
	require.NoError(t, bus.Publish(context.Background(), "t", []byte("hello")))
	select {
	case got := <-done:
		require.Equal(t, "hello", got)
	case <-time.After(5 * time.Second):
		t.Fatal("message never handled")
	}
	require.EqualValues(t, 3, calls.Load())
	bus.Close(context.Background())
	require.ErrorIs(t, bus.Publish(context.Background(), "t", nil), event.ErrClosed)
	require.ErrorIs(t, event.NewBus(logging.Discard(), event.BusOptions{}).Publish(context.Background(), "none", nil), event.ErrNoSubscriber)
}

func TestBusCloseLetsRunningHandlerFinishWithinGrace(t *testing.T) {
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	started, finished := make(chan struct{}), make(chan error, 1)
	bus.Subscribe("t", 1, func(ctx context.Context, _ []byte) error {
		close(started)
		select {
		case <-time.After(50 * time.Millisecond):
			finished <- nil
		case <-ctx.Done():
			finished <- ctx.Err()
		}
		return nil
	})
	require.NoError(t, bus.Publish(context.Background(), "t", nil))
	<-started
	bus.Close(context.Background())
	require.NoError(t, <-finished, "a handler within the grace period finishes")

	bus = event.NewBus(logging.Discard(), event.BusOptions{})
	started = make(chan struct{})
	bus.Subscribe("t", 1, func(ctx context.Context, _ []byte) error {
		close(started)
		<-ctx.Done()
		finished <- ctx.Err()
		return nil
	})
	require.NoError(t, bus.Publish(context.Background(), "t", nil))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	bus.Close(ctx)
	require.ErrorIs(t, <-finished, context.Canceled, "past the grace period the handler is cancelled")
}

func TestDecodeMessages(t *testing.T) {
	id := uuid.New()
	m, err := event.DecodeRunTask([]byte(`{"version":1,"task_id":"` + id.String() + `","user_id":"` + id.String() + `"}`))
	require.NoError(t, err)
	require.Equal(t, id, m.TaskID)
	for _, bad := range []string{`{`, `{"version":2,"task_id":"` + id.String() + `","user_id":"` + id.String() + `"}`, `{"version":1}`} {
		_, err := event.DecodeRunTask([]byte(bad))
		require.ErrorIs(t, err, event.ErrMalformed, bad)
	}
	_, err = event.DecodeNotify([]byte(`{"version":1}`))
	require.ErrorIs(t, err, event.ErrMalformed)
}
