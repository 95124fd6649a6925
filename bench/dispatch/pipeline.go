package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// server is the functions server: the Functions Framework serving runtask at every path, as on
// Cloud Run; each phase's Pub/Sub project gets its own handler, by the push path.
type server struct {
	base     string
	handlers sync.Map // project → http.Handler
}

func startServer() (*server, error) {
	s := &server{}
	os.Setenv("FUNCTION_TARGET", "runtask")
	functions.HTTP("runtask", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) == 4 {
			if h, ok := s.handlers.Load(parts[1]); ok {
				h.(http.Handler).ServeHTTP(w, r)
				return
			}
		}
		http.NotFound(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	go func() { _ = funcframework.StartHostPort("127.0.0.1", port) }()
	s.base = "http://127.0.0.1:" + port
	for range 500 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, fmt.Errorf("functions server did not start")
}

// instant decides at once and never notifies: the benchmark measures dispatch, not the agent.
type instant struct{}

func (instant) Run(context.Context, agent.Input) (agent.Output, error) {
	return agent.Output{Result: task.Result{Evidence: "nothing new", Confidence: 90}}, nil
}

// pipeline is one phase's deployment: a database, a Pub/Sub project with a push subscription
// to the functions server, and the runner behind runtask.
type pipeline struct {
	// inFlight and peak count the pushes being handled: how many the emulator sends at once.
	inFlight, peak atomic.Int64
	// pushes and handling count the run-task pushes handled and the nanoseconds runtask spent
	// on them: what of a push's time is Torale's, the rest the emulator's.
	pushes, handling atomic.Int64
	store            *store.Store
	pub              *event.PubSub
	dbURL            string
	drop             func()
}

func newPipeline(ctx context.Context, o options, emu *pubsubtest.Emulator, srv *server, project string) (*pipeline, error) {
	dbURL, drop, err := benchdbCreate(ctx, o.ServerURL, "dispatch")
	if err != nil {
		return nil, err
	}
	p := &pipeline{dbURL: dbURL, drop: drop}
	fail := func(err error) (*pipeline, error) { p.close(); return nil, err }
	if p.store, err = store.Open(ctx, dbURL, store.Options{MaxConns: int32(o.emulatorConns())}); err != nil {
		return fail(err)
	}
	opts, err := emu.ClientOptions()
	if err != nil {
		return fail(err)
	}
	if p.pub, err = event.NewPubSub(ctx, project, event.PubSubOptions{Client: opts}); err != nil {
		return fail(err)
	}
	admin, err := pubsubClient(ctx, emu, project)
	if err != nil {
		return fail(err)
	}
	defer admin.Close()
	log := logging.Discard()
	r := runner.New(p.store, instant{}, reconcile.NewOutboxPublisher(p.pub, p.store, time.Now, log), time.Now, log, runner.Config{})
	gate := schedule.NewGate(p.store, r.HandleTask, time.Now, log)
	h := runtask.New(gate, runtask.Config{Log: log})
	srv.handlers.Store(project, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := p.inFlight.Add(1)
		for m := p.peak.Load(); n > m && !p.peak.CompareAndSwap(m, n); m = p.peak.Load() {
		}
		start := time.Now()
		defer func() {
			p.handling.Add(int64(time.Since(start)))
			p.pushes.Add(1)
			p.inFlight.Add(-1)
		}()
		h(w, r)
	}))
	if err := pubsubtest.CreateTopic(ctx, admin, project, event.TopicNotify); err != nil {
		return fail(err)
	}
	if err := pubsubtest.CreatePush(ctx, admin, pubsubtest.Push{Project: project, Topic: event.TopicRunTask,
		Subscription: "runtask", Endpoint: srv.base + "/projects/" + project + "/topics/" + event.TopicRunTask,
	}); err != nil {
		return fail(err)
	}
	return p, nil
}

func (p *pipeline) close() {
	if p.pub != nil {
		_ = p.pub.Close()
	}
	if p.store != nil {
		p.store.Close()
	}
	if p.drop != nil {
		p.drop()
	}
}

// timedClaimer is the store's claim, timed: the sweep's claim rate alone.
type timedClaimer struct {
	store   *store.Store
	mu      sync.Mutex
	claimed int
	spent   time.Duration
	first   time.Time // when the first claim began
}

func (c *timedClaimer) ClaimDueTasks(ctx context.Context, now, leaseUntil time.Time, limit int) ([]store.Claim, error) {
	start := time.Now()
	claims, err := c.store.ClaimDueTasks(ctx, now, leaseUntil, limit)
	c.mu.Lock()
	if c.first.IsZero() {
		c.first = start
	}
	c.spent += time.Since(start)
	c.claimed += len(claims)
	c.mu.Unlock()
	return claims, err
}

// handlerMS is runtask's mean time on a push so far, in milliseconds, and starts the count over.
func (p *pipeline) handlerMS() float64 {
	n, d := p.pushes.Swap(0), p.handling.Swap(0)
	if n == 0 {
		return 0
	}
	return float64(d) / float64(n) / 1e6
}
