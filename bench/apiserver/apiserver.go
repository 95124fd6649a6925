// Package apiserver serves the real API in a benchmark's own process, assembled as the functions
// server assembles it, for the benchmarks that load it (apiload, scale).
package apiserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/pprof"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
)

// Server is the real API, assembled as the functions server assembles it, listening on a
// loopback port of this process.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL   string
	http  *http.Server
	bus   *event.Bus
	log   *slog.Logger
	serve chan error
}

// Options change the server from the deployment's defaults, for benchmarks that say so.
type Options struct {
	// Unlimited lifts the per-user rate limits and the cap on active tasks, so a load of
	// creates and runs measures their cost rather than the limits. The limits' token is still
	// taken from PostgreSQL on every limited request, as in production.
	Unlimited bool
}

// Serve builds the platform over st as the api service (FUNCTION_TARGET=api) builds it and
// serves its API on 127.0.0.1; the run topics of the in-process bus are drained by handlers that
// drop each message, as a publish to Pub/Sub hands it off. Its goroutines carry the pprof label
// role=server, so a CPU profile can be split into server and load generator.
func Serve(ctx context.Context, dbURL string, st *store.Store, log *slog.Logger, opts Options) (*Server, error) {
	// Only DATABASE_URL is set: the process environment must not change what is measured.
	cfg, err := config.FromEnv(func(k string) string {
		switch {
		case k == "DATABASE_URL":
			return dbURL
		case k == "TORALE_MAX_ACTIVE_TASKS" && opts.Unlimited:
			return "1000000000"
		}
		return ""
	})
	if err != nil {
		return nil, fmt.Errorf("configuring the platform: %w", err)
	}
	bus := event.NewBus(log, event.BusOptions{})
	drop := func(context.Context, []byte) error { return nil }
	bus.Subscribe(event.TopicRunTask, 1, drop)
	bus.Subscribe(event.TopicDeepRun, 1, drop)
	var limits api.Limits
	if opts.Unlimited {
		free := api.Limit{Every: time.Nanosecond, Burst: 1 << 30}
		limits = api.Limits{Create: free, Run: free, Preview: free, WebhookTest: free, EmailCode: free}
	}
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: log, Limits: limits,
		Functions: []platform.Function{platform.FunctionAPI}})
	if err != nil {
		bus.Close(ctx)
		return nil, fmt.Errorf("building the platform: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		bus.Close(ctx)
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s := &Server{
		URL:   "http://" + ln.Addr().String(),
		http:  &http.Server{Handler: p.API, ReadHeaderTimeout: 10 * time.Second},
		bus:   bus,
		log:   log,
		serve: make(chan error, 1),
	}
	pprof.Do(ctx, pprof.Labels("role", "server"), func(context.Context) {
		go func() { s.serve <- s.http.Serve(ln) }()
	})
	return s, nil
}

// Close stops the server, waiting a few seconds for requests in flight, and then the bus.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	if err := <-s.serve; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("serving the API", slog.String("error", err.Error()))
	}
	s.bus.Close(ctx)
}
