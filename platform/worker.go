package platform

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/torale-ai/torale/shared/schedule"
)

// FunctionWorker is the deep-run worker (FUNCTION_TARGET=worker, on the GKE spot pool): it
// pulls the deep runs runtask hands over from the deep-run subscription and runs them through
// the same gate and runner. It answers only the health routes over HTTP.
const FunctionWorker Function = "worker"

// Worker pulls deep runs from a Pub/Sub pull subscription and runs them. The Pub/Sub client
// keeps extending each message's ack deadline while its run works (up to MaxExtension), and
// flow control holds at most Concurrency messages, so a worker never takes more runs than it
// works on and the rest wait in the subscription for other workers.
type Worker struct {
	Sub  *pubsub.Subscriber
	Gate *schedule.Gate
	// Concurrency is how many runs one worker works on at once (default 4).
	Concurrency int
	// MaxExtension is how long a message's ack deadline is extended: the longest a run may
	// take (its deadline).
	MaxExtension time.Duration
	// HandBackAfter is how long runs in progress may go on after shutdown begins: then they are
	// interrupted, recorded as retrying and their messages nacked, so another worker takes them
	// at once. It leaves the rest of the grace for those writes.
	HandBackAfter time.Duration
	Log           *slog.Logger
}

// Run consumes until ctx ends (SIGTERM): then it takes no new message (a message already
// pulled is nacked unread), lets the runs in progress finish for HandBackAfter, interrupts the
// rest and returns once every message is settled.
func (w Worker) Run(ctx context.Context) error {
	if w.Concurrency <= 0 {
		w.Concurrency = 4
	}
	// Runs live in work, not in ctx: shutdown stops the pulling first and the runs only later.
	work, handBack := context.WithCancel(context.WithoutCancel(ctx))
	defer handBack()
	stop := context.AfterFunc(ctx, func() {
		w.Log.Info("worker stopping: no new runs; handing back what is left", slog.Duration("after", w.HandBackAfter))
		time.AfterFunc(w.HandBackAfter, handBack)
	})
	defer stop()

	rs := &w.Sub.ReceiveSettings
	rs.MaxOutstandingMessages = w.Concurrency
	rs.MaxExtension = w.MaxExtension
	// Each extension is short, so the messages a lost worker held (SIGKILL, a vanished node),
	// started or only pulled, return to the subscription within seconds, not minutes; one
	// modack every few seconds per message held is cheap.
	rs.MaxDurationPerAckExtension = 10 * time.Second
	// Receive returns only once every handler has: each settles its message, whatever happens.
	rs.ShutdownOptions = &pubsub.ShutdownOptions{Behavior: pubsub.ShutdownBehaviorWaitForProcessing, Timeout: -1}
	w.Log.Info("worker pulling deep runs", slog.String("subscription", w.Sub.String()), slog.Int("concurrency", w.Concurrency))
	err := w.Sub.Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		if ctx.Err() != nil {
			m.Nack() // stopping: leave it to another worker
			return
		}
		// The gate claims the run; the runner, interrupted, records it as retrying before it
		// returns, so the nack below always follows the database write.
		if err := w.Gate.HandleMessage(work, m.Data); err != nil {
			w.Log.Warn("deep run handed back", slog.String("message_id", m.ID), slog.String("error", err.Error()))
			m.Nack()
			return
		}
		m.Ack()
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// workerHandler answers what the router sends the worker besides its health routes: nothing.
var workerHandler = http.NotFoundHandler()
