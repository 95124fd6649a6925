package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
)

// server is the real API, assembled as the functions server assembles it, listening on a
// loopback port of this process.
type server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL   string
	http  *http.Server
	bus   *event.Bus
	log   *slog.Logger
	serve chan error
}

// serve builds the platform over st and serves its API on 127.0.0.1.
func serve(ctx context.Context, dbURL string, st *store.Store, log *slog.Logger) (*server, error) {
	// Only DATABASE_URL is set: the process environment must not change what is measured.
	cfg, err := config.FromEnv(func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	if err != nil {
		return nil, fmt.Errorf("configuring the platform: %w", err)
	}
	bus := event.NewBus(log, event.BusOptions{})
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: log})
	if err != nil {
		bus.Close(ctx)
		return nil, fmt.Errorf("building the platform: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		bus.Close(ctx)
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s := &server{
		URL:   "http://" + ln.Addr().String(),
		http:  &http.Server{Handler: p.API, ReadHeaderTimeout: 10 * time.Second},
		bus:   bus,
		log:   log,
		serve: make(chan error, 1),
	}
	go func() { s.serve <- s.http.Serve(ln) }()
	return s, nil
}

// close stops the server, waiting a few seconds for requests in flight, and then the bus.
func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	if err := <-s.serve; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("serving the API", slog.String("error", err.Error()))
	}
	s.bus.Close(ctx)
}
