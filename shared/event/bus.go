package event

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/torale-ai/torale/shared/lane"
)

// Handler consumes one message. A nil error acks it; an error has it delivered again after a
// backoff, as Pub/Sub does.
type Handler func(ctx context.Context, data []byte) error

// Bus is an in-process Publisher for running every part in one process (torale dev, tests).
// Like Pub/Sub it redelivers on error; unlike Pub/Sub it keeps nothing across restarts, which
// is safe because the database is the source of truth and the sweep and recovery re-trigger.
// Its workers are shared fairly between users (the Tenant of each message): users take turns,
// and one user holds at most all workers but one, so a burst of one user's runs cannot queue
// everyone else's behind it.
type Bus struct {
	log     *slog.Logger
	backoff func(attempt int) time.Duration
	ctx     context.Context // handlers' context, cancelled when Close's grace ends
	cancel  context.CancelFunc
	stop    chan struct{} // closed by Close: no new messages are taken
	mu      sync.Mutex
	topics  map[string]*topic
	closed  bool
}

// topic is one subscription: its handler, the pool its messages run in, and the slots that
// bound how many of its messages may wait (queued, running or waiting to be redelivered).
type topic struct {
	name  string
	h     Handler
	pool  *lane.Pool
	slots chan struct{}
}

type delivery struct {
	data    []byte
	tenant  string
	attempt int
}

// BusOptions configure a Bus. Zero values take the defaults.
type BusOptions struct {
	// Workers is how many messages of one topic are handled at once (default 4).
	Workers int
	// Backoff is the wait before redelivery attempt n (default 1s doubling, capped at 1 min).
	Backoff func(attempt int) time.Duration
}

// queueSize is how many messages of one topic may wait before Publish blocks.
const queueSize = 1024

// NewBus returns a bus with no subscribers; Subscribe every topic before publishing to it.
func NewBus(log *slog.Logger, opts BusOptions) *Bus {
	if opts.Backoff == nil {
		opts.Backoff = func(n int) time.Duration { return min(time.Second<<min(n, 6), time.Minute) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{log: log, backoff: opts.Backoff, ctx: ctx, cancel: cancel, stop: make(chan struct{}),
		topics: map[string]*topic{}}
}

// Subscribe has h handle topic's messages, workers at a time (default 4), one user holding at
// most workers-1 of them.
func (b *Bus) Subscribe(name string, workers int, h Handler) {
	if workers <= 0 {
		workers = 4
	}
	perUser := max(1, workers-1)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.topics[name] = &topic{name: name, h: h, slots: make(chan struct{}, queueSize),
		pool: lane.New(lane.Options{Workers: workers, PerTenant: perUser, PerKey: perUser})}
}

// ErrNoSubscriber is returned when a topic has no handler: the message would be lost.
var ErrNoSubscriber = errors.New("no subscriber for topic")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("bus is closed")

// Publish queues data for topic's handler. It blocks while the topic's queue is full.
func (b *Bus) Publish(ctx context.Context, name string, data []byte) error {
	b.mu.Lock()
	t, ok := b.topics[name]
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if !ok {
		return ErrNoSubscriber
	}
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return ErrClosed
	}
	b.submit(t, delivery{data: data, tenant: Tenant(name, data)})
	return nil
}

// submit queues d in t's pool; a closed pool drops it (Close drops what is queued).
func (b *Bus) submit(t *topic, d delivery) {
	if !t.pool.Go(d.tenant, "", func() { b.handle(t, d) }) {
		<-t.slots
	}
}

// handle runs one delivery and, when the handler fails, queues it again after a backoff.
func (b *Bus) handle(t *topic, d delivery) {
	err := t.h(b.ctx, d.data)
	if err == nil || b.stopped() {
		<-t.slots
		return
	}
	d.attempt++
	wait := b.backoff(d.attempt)
	b.log.Warn("message handler failed; redelivering", slog.String("topic", t.name),
		slog.Int("attempt", d.attempt), slog.String("retry_in", wait.String()), slog.String("error", err.Error()))
	time.AfterFunc(wait, func() { b.submit(t, d) })
}

func (b *Bus) stopped() bool {
	select {
	case <-b.stop:
		return true
	default:
		return false
	}
}

// Close stops taking messages and waits for running handlers to return; when ctx ends first,
// it cancels their context and waits for them to notice. Queued messages are dropped: the
// database still knows the work is owed, and the sweep or recovery triggers it again.
func (b *Bus) Close(ctx context.Context) {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.stop)
	}
	topics := make([]*topic, 0, len(b.topics))
	for _, t := range b.topics {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		t.pool.Close()
	}
	done := make(chan struct{})
	go func() {
		for _, t := range topics {
			t.pool.Wait()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		b.cancel()
		<-done
	}
	b.cancel()
}
