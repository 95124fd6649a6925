package main

import (
	"context"
	"fmt"
	"time"

	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
)

// busPhase is torale dev's path: the platform assembled over the in-process bus, as
// platform.Local assembles it, with its background loop (the sweep every second, the notify
// pass, expiry) and the instant agent; due is each task's next_run_at, so the lag includes the
// wait for the next sweep.
func busPhase(ctx context.Context, o options, _ *report) (phase, error) {
	dbURL, drop, err := benchdb.Create(ctx, o.ServerURL, "dispatch")
	if err != nil {
		return phase{}, err
	}
	defer drop()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: int32(o.busConns())})
	if err != nil {
		return phase{}, err
	}
	defer st.Close()
	cfg, err := config.FromEnv(func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	if err != nil {
		return phase{}, err
	}
	log := logging.Discard()
	bus := event.NewBus(log, event.BusOptions{})
	defer bus.Close(context.WithoutCancel(ctx))
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Agent: instant{}, Log: log})
	if err != nil {
		return phase{}, fmt.Errorf("building the platform: %w", err)
	}
	due := time.Now().Add(2 * time.Second).Truncate(time.Millisecond)
	if err := seed(ctx, st, dbURL, o, due); err != nil {
		return phase{}, err
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Background(bg, time.Second); close(done) }()
	defer func() { stop(); <-done }()
	return measure(ctx, o, dbURL, "bus", due, 0)
}
