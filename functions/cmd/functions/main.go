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

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/functions/tick"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/platform"
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
	opts := store.Options{}
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
	// Until Pub/Sub is wired in, messages travel on an in-process bus: one process serves the
	// whole pipeline.
	bus := event.NewBus(log, event.BusOptions{})
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: log})
	if err != nil {
		return err
	}

	health := func(w http.ResponseWriter, r *http.Request) { p.API.ServeHTTP(w, r) }
	functions.HTTP("api", p.API.ServeHTTP)
	functions.HTTP("tick", withHealth(tick.New(p.Sweeper, log), health))
	functions.CloudEvent("runtask", runtask.New(p.Runner, log))
	functions.HTTP("healthz", health)
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
