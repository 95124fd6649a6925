package event

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Handler consumes one message. A nil error acks it; an error has it delivered again after a
// backoff, as Pub/Sub does.
type Handler func(ctx context.Context, data []byte) error

// Bus is an in-process Publisher for running every part in one process (torale dev, tests).
// Like Pub/Sub it redelivers on error; unlike Pub/Sub it keeps nothing across restarts, which
// is safe because the database is the source of truth and the sweep and recovery re-trigger.
type Bus struct {
	log      *slog.Logger
	backoff  func(attempt int) time.Duration
	ctx      context.Context // handlers' context, cancelled when Close's grace ends
	cancel   context.CancelFunc
	stop     chan struct{} // closed by Close: workers take no new messages
	mu       sync.Mutex
	handlers map[string]Handler
	queues   map[string]chan delivery
	wg       sync.WaitGroup
	closed   bool
}

type delivery struct {
	data    []byte
	attempt int
}

// BusOptions configure a Bus. Zero values take the defaults.
type BusOptions struct {
	// Workers is how many messages of one topic are handled at once (default 4).
	Workers int
	// Backoff is the wait before redelivery attempt n (default 1s doubling, capped at 1 min).
	Backoff func(attempt int) time.Duration
}

// NewBus returns a bus with no subscribers; Subscribe every topic before publishing to it.
func NewBus(log *slog.Logger, opts BusOptions) *Bus {
	if opts.Backoff == nil {
		opts.Backoff = func(n int) time.Duration { return min(time.Second<<min(n, 6), time.Minute) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{log: log, backoff: opts.Backoff, ctx: ctx, cancel: cancel, stop: make(chan struct{}),
		handlers: map[string]Handler{}, queues: map[string]chan delivery{}}
}

// Subscribe starts workers handling topic with h.
func (b *Bus) Subscribe(topic string, workers int, h Handler) {
	if workers <= 0 {
		workers = 4
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	q := make(chan delivery, 1024)
	b.handlers[topic], b.queues[topic] = h, q
	for range workers {
		b.wg.Go(func() { b.work(topic, q, h) })
	}
}

// ErrNoSubscriber is returned when a topic has no handler: the message would be lost.
var ErrNoSubscriber = errors.New("no subscriber for topic")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("bus is closed")

// Publish queues data for topic's handler. It blocks while the queue is full.
func (b *Bus) Publish(ctx context.Context, topic string, data []byte) error {
	b.mu.Lock()
	q, ok := b.queues[topic]
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if !ok {
		return ErrNoSubscriber
	}
	select {
	case q <- delivery{data: data}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return ErrClosed
	}
}

func (b *Bus) work(topic string, q chan delivery, h Handler) {
	for {
		select {
		case <-b.stop:
			return
		case d := <-q:
			err := h(b.ctx, d.data)
			if err == nil || b.stopped() {
				continue
			}
			d.attempt++
			wait := b.backoff(d.attempt)
			b.log.Warn("message handler failed; redelivering", slog.String("topic", topic),
				slog.Int("attempt", d.attempt), slog.String("retry_in", wait.String()), slog.String("error", err.Error()))
			time.AfterFunc(wait, func() {
				select {
				case q <- d:
				case <-b.stop:
				}
			})
		}
	}
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
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		b.cancel()
		<-done
	}
	b.cancel()
}
