// Command functions is the one server binary of every Cloud Run function. Each function is
// registered by name with the Functions Framework; FUNCTION_TARGET picks the one a service
// serves (at every path), and with it unset each is served at /<name>, with /healthz beside.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"
	_ "time/tzdata" // task time zones, also in images without /usr/share/zoneinfo

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/functions/notify"
	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/functions/tick"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "functions:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.FromEnv(config.Env)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, logging.Format(cfg.LogFormat), cfg.LogLevel)
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	opts := store.Options{MaxConns: int32(min(cfg.DBMaxConns, 1000))}
	if cfg.CloudSQLInstance != "" {
		dial, err := store.CloudSQLDial(ctx, cfg.CloudSQLInstance)
		if err != nil {
			return err
		}
		opts.Dial = dial
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	st, err := store.Open(octx, cfg.DatabaseURL, opts)
	cancel()
	if err != nil {
		return err
	}
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	// Messages go through Pub/Sub when TORALE_PUBSUB_PROJECT is set, pushed back to runtask and
	// notify; otherwise they travel on an in-process bus and one process serves the pipeline.
	bus := event.NewBus(log, event.BusOptions{})
	pub, jobs, closeCloud, err := cloudClients(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeCloud()
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Publisher: pub, Jobs: jobs, Log: log})
	if err != nil {
		return err
	}
	push, err := pushAuth(ctx, cfg, log)
	if err != nil {
		return err
	}

	health := func(w http.ResponseWriter, r *http.Request) { p.API.ServeHTTP(w, r) }
	functions.HTTP("api", p.API.ServeHTTP)
	functions.HTTP("tick", withHealth(push(tick.New(tick.Config{Sweeper: platform.SweepFunc(p.Tick),
		Reconciler: p.Reconciler, ReconcileEvery: cfg.Cloud.ReconcileEvery, Log: log})), health))
	functions.HTTP("runtask", withHealth(push(runtask.New(p.Gate,
		runtask.Config{RetryHorizon: cfg.Cloud.RetryHorizon, Log: log})), health))
	functions.HTTP("notify", withHealth(push(notify.New(p.Notifier,
		notify.Config{RetryHorizon: cfg.Cloud.RetryHorizon, Log: log})), health))
	functions.HTTP("healthz", health)
	agent := agentfn.New(p.Agent, cfg.AgentTimeout, log)
	functions.HTTP("agent", withHealth(agent.ServeHTTP, health))
	go agent.StopOnSIGTERM(5*time.Second, log)
	reconcileOnStart(p, log)
	log.Info("serving functions", "port", cfg.Port, "target", os.Getenv("FUNCTION_TARGET"))
	return funcframework.StartHostPort(os.Getenv("HOST"), cfg.Port)
}

// withHealth serves GET /healthz beside an HTTP function, which answers every other path when
// it is the service's FUNCTION_TARGET.
func withHealth(fn http.HandlerFunc, health http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
			health(w, r)
			return
		}
		fn(w, r)
	}
}
