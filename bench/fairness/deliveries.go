package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// deliveryMode is how the notifier learns of due rows.
type deliveryMode string

const (
	duePass   deliveryMode = "due pass"
	busNotify deliveryMode = "bus"
)

// deliveries measures the victim's last delivery after the start of sending, alone and with the
// attacker's hung receivers, each on a fresh database.
func deliveries(ctx context.Context, opts options, mode deliveryMode) (figure, error) {
	base, err := victimDelay(ctx, opts, mode, 0)
	if err != nil {
		return figure{}, err
	}
	loaded, err := victimDelay(ctx, opts, mode, opts.Hung)
	if err != nil {
		return figure{}, err
	}
	return figure{Scenario: "deliveries (" + string(mode) + ")", Baseline: base.Seconds(), Loaded: loaded.Seconds()}.added(), nil
}

// arrivals records when each of the victim's deliveries reached its receiver.
type arrivals struct {
	mu   sync.Mutex
	want int
	last time.Time
	seen map[string]bool
	done chan struct{}
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := r.Header.Get("webhook-id")
	if !a.seen[id] {
		a.seen[id], a.last = true, time.Now()
		if len(a.seen) == a.want {
			close(a.done)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func victimDelay(ctx context.Context, opts options, mode deliveryMode, hung int) (time.Duration, error) {
	dbURL, drop, err := benchdb.Create(ctx, opts.ServerURL, "fairness")
	if err != nil {
		return 0, err
	}
	defer drop()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 16})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	// The attacker's receivers never answer; the guard's timeout (10 s) ends each request.
	quit := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-quit:
		}
	}))
	defer hang.Close()
	defer close(quit)
	got := &arrivals{want: opts.Victim, seen: map[string]bool{}, done: make(chan struct{})}
	ok := httptest.NewServer(got)
	defer ok.Close()

	attacker, err := seed(ctx, st, "attacker", hung, func(i int) string { return fmt.Sprintf("%s/hook/%d", hang.URL, i) })
	if err != nil {
		return 0, err
	}
	victim, err := seed(ctx, st, "victim", opts.Victim, func(i int) string { return fmt.Sprintf("%s/hook/%d", ok.URL, i) })
	if err != nil {
		return 0, err
	}
	n, err := notifier(st)
	if err != nil {
		return 0, err
	}
	sendCtx, stop := context.WithCancel(ctx)
	defer stop()
	start := time.Now()
	if err := announce(sendCtx, st, n, mode, append(attacker, victim...)); err != nil {
		return 0, err
	}
	select {
	case <-got.done:
	case <-time.After(5 * time.Minute):
		return 0, fmt.Errorf("the victim's deliveries did not all arrive in 5 minutes")
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	return got.last.Sub(start), nil
}

// announce starts sending: one due pass in the background, or one notify message per row on an
// in-process bus subscribed as torale dev subscribes it.
func announce(ctx context.Context, st *store.Store, n *outbox.Notifier, mode deliveryMode, ids []uuid.UUID) error {
	if mode == duePass {
		go func() { _, _ = n.DeliverDue(ctx) }()
		return nil
	}
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	bus.Subscribe(event.TopicNotify, 2, n.Enqueue)
	go func() { <-ctx.Done(); bus.Close(context.Background()) }()
	go n.Every(ctx, time.Second) // torale dev's due pass, every tick
	for _, id := range ids {
		if err := event.PublishJSON(ctx, bus, event.TopicNotify, event.Notify{Version: event.Version, DeliveryID: id}); err != nil {
			return err
		}
	}
	return nil
}

func notifier(st *store.Store) (*outbox.Notifier, error) {
	keys, err := notifykey.New(uuid.NewString() + uuid.NewString())
	if err != nil {
		return nil, err
	}
	log := logging.Discard()
	sender := webhook.NewSender(webhook.Deps{Store: st, Keys: keys, Guard: netguard.New(netguard.Options{AllowPrivate: true}),
		PublicURL: "http://localhost:8080", Now: time.Now, Log: log})
	return outbox.New(st, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, time.Now, log), nil
}
