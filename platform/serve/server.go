// Package serve is the HTTP server every Torale process runs its functions on: timeouts, the
// one ordered shutdown, and the listener. It links only the standard library, so a function
// binary that needs nothing else of the platform (the agent's) starts without the rest.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Server is Torale's HTTP server, for the functions server and torale dev alike: an
// http.Server with timeouts, and the one ordered shutdown of requests in flight (Cloud.Run and
// Local.Run close their clients and the store after Serve returns).
type Server struct {
	Handler http.Handler
	// ReadHeader, Read, Write and Idle are the http.Server's timeouts; zero takes 10s, 30s, 5 min
	// and 2 min. Write bounds a whole request, so it must exceed the slowest function's timeout.
	ReadHeader, Read, Write, Idle time.Duration
	// Drain is how long requests in flight at shutdown may take to finish (default 7s).
	Drain time.Duration
	// HandBack is how long the requests still running after Drain get, once their contexts are
	// cancelled, to hand their work back (record it as interrupted, answer "deliver again")
	// before their connections are closed (default 2s).
	HandBack time.Duration
	// Stop is called as shutdown begins, for work that cannot wait for Drain (the agent
	// function stops its runs at once so they are retried elsewhere).
	Stop []func(ctx context.Context) error
	Log  *slog.Logger
}

// WriteTimeout is the Write of a server whose slowest handler takes up to longest: http.Server's
// write deadline runs from the end of the request's headers to the end of the response, so it
// gets 10s beyond the handler to write the answer.
func WriteTimeout(longest time.Duration) time.Duration {
	return longest + 10*time.Second
}

// Grace is how long a service's shutdown may take in all: given when set, else configured
// (TORALE_SHUTDOWN_GRACE), else 9s, since Cloud Run kills an instance 10s after SIGTERM.
func Grace(given, configured time.Duration) time.Duration {
	for _, d := range []time.Duration{given, configured} {
		if d > 0 {
			return d
		}
	}
	return 9 * time.Second
}

// WithDefaults is s with each zero timeout set to its default (see the fields).
func (s Server) WithDefaults() Server {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.ReadHeader, 10*time.Second)
	def(&s.Read, 30*time.Second)
	def(&s.Write, 5*time.Minute)
	def(&s.Idle, 2*time.Minute)
	def(&s.Drain, 7*time.Second)
	def(&s.HandBack, 2*time.Second)
	return s
}

// Serve serves on ln until ctx ends, then shuts down in order: it stops accepting connections
// (new ones are refused), calls the Stop hooks, lets requests in flight finish within Drain,
// then cancels the contexts of those still running and gives them HandBack to answer, and
// closes what is left. It returns nil after an orderly shutdown.
func (s Server) Serve(ctx context.Context, ln net.Listener) error {
	s = s.WithDefaults()
	// Requests' contexts outlive ctx (the signal) until the drain is over.
	inflight, cancelInflight := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelInflight()
	srv := &http.Server{Handler: s.Handler, ReadHeaderTimeout: s.ReadHeader, ReadTimeout: s.Read,
		WriteTimeout: s.Write, IdleTimeout: s.Idle, BaseContext: func(net.Listener) context.Context { return inflight },
		ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	start := time.Now()
	s.Log.Info("shutting down: finishing requests in flight", slog.String("drain", s.Drain.String()),
		slog.String("hand_back", s.HandBack.String()))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.Drain+s.HandBack)
	defer cancel()
	stopped := s.stopAll(sctx)
	dctx, cancelDrain := context.WithTimeout(sctx, s.Drain)
	err = srv.Shutdown(dctx)
	cancelDrain()
	if err != nil {
		s.Log.Warn("requests still running after the drain; handing their work back")
		cancelInflight()
		err = srv.Shutdown(sctx)
	}
	if err != nil {
		err = errors.Join(errors.New("requests still running at the end of the grace period"), srv.Close())
	}
	stopped.Wait()
	if e := <-served; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	s.Log.Info("server stopped", slog.String("took", time.Since(start).Round(time.Millisecond).String()))
	return err
}

// stopAll calls the Stop hooks concurrently; the returned group ends when they have.
func (s Server) stopAll(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, stop := range s.Stop {
		wg.Go(func() {
			if err := stop(ctx); err != nil {
				s.Log.Warn("stopping work in flight", slog.String("error", err.Error()))
			}
		})
	}
	return &wg
}

// Bounded ends each request's context after d.
func Bounded(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Listen listens on host:port over plain TCP: Cloud Run's front end is the only peer, and Go's
// default of Multipath TCP probes the kernel and opens a costlier socket on the cold start's
// path.
func Listen(ctx context.Context, host, port string) (net.Listener, error) {
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("listening on port %s: %w", port, err)
	}
	return ln, nil
}

// Main is a server binary's main: run serves until SIGTERM (Cloud Run stopping the instance,
// or a spot node going) or an interrupt ends its context, which it answers by shutting down in
// order; a failure is printed after the binary's name and exits 1.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
