package platform

import (
	"context"
	"sync"

	"github.com/torale-ai/torale/shared/event"
)

// lazyPubSub is the Pub/Sub publisher of a service that does not need it to answer its health
// check (api, runtask, tick): the client is made on the first Publish instead of at start,
// which takes 1–9 ms off a cold start (bench/README.md, "Cold start"). A client that cannot be
// made fails that Publish, and every later one, with the error the start would have returned.
type lazyPubSub struct {
	open func() (*event.PubSub, error)
	mu   sync.Mutex
	made *event.PubSub // set once open succeeded, for Close
}

// newLazyPubSub returns a publisher that connects to project's Pub/Sub on first use. ctx
// outlives its requests (a request's end must not close the shared client).
func newLazyPubSub(ctx context.Context, project string) *lazyPubSub {
	l := &lazyPubSub{}
	l.open = sync.OnceValues(func() (*event.PubSub, error) {
		ps, err := event.NewPubSub(context.WithoutCancel(ctx), project, event.PubSubOptions{})
		if err == nil {
			l.mu.Lock()
			l.made = ps
			l.mu.Unlock()
		}
		return ps, err
	})
	return l
}

// Publish makes the client when none exists yet, then publishes through it.
func (l *lazyPubSub) Publish(ctx context.Context, topic string, data []byte) error {
	ps, err := l.open()
	if err != nil {
		return err
	}
	return ps.Publish(ctx, topic, data)
}

// Close closes the client if one was made.
func (l *lazyPubSub) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.made == nil {
		return nil
	}
	return l.made.Close()
}
