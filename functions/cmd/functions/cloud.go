package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	scheduler "cloud.google.com/go/scheduler/apiv1"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/oidc"
	"github.com/torale-ai/torale/shared/schedule"
)

// cloudClients connects to Pub/Sub when TORALE_PUBSUB_PROJECT is set (nil publisher: the
// in-process bus) and to Cloud Scheduler in cloudscheduler mode (nil otherwise). closeAll
// releases both.
func cloudClients(ctx context.Context, cfg config.Config, log *slog.Logger) (pub event.Publisher, jobs schedule.JobClient, closeAll func(), err error) {
	var closers []func()
	closeAll = func() {
		for _, c := range closers {
			c()
		}
	}
	if project := cfg.Cloud.PubSubProject; project != "" {
		ps, err := event.NewPubSub(ctx, project, event.PubSubOptions{})
		if err != nil {
			return nil, nil, closeAll, err
		}
		closers = append(closers, func() { _ = ps.Close() })
		pub = ps
		log.Info("messages go through Pub/Sub", "project", project, "emulator", os.Getenv("PUBSUB_EMULATOR_HOST"))
	}
	if cfg.Scheduler == config.SchedulerCloudSchedule {
		c, err := scheduler.NewCloudSchedulerClient(ctx)
		if err != nil {
			closeAll()
			return nil, nil, func() {}, fmt.Errorf("connecting to Cloud Scheduler: %w", err)
		}
		closers = append(closers, func() { _ = c.Close() })
		jobs = c
		log.Info("each task has a Cloud Scheduler job", "project", cfg.Cloud.GCPProject, "location", cfg.Cloud.SchedulerLocation)
	}
	return pub, jobs, closeAll, nil
}

// pushAuth returns the wrapper that admits only Google-signed push requests to the push
// functions (runtask, notify, tick). Misconfigured, it refuses to start a service that serves
// one of them, and otherwise (the API's service, or all functions locally) refuses every push
// request, loudly.
func pushAuth(ctx context.Context, cfg config.Config, log *slog.Logger) (func(http.HandlerFunc) http.HandlerFunc, error) {
	if !cfg.Cloud.PushAuthEnabled() {
		log.Warn("TORALE_PUSH_AUTH=off: runtask, notify and tick accept unauthenticated requests; for local runs only")
		return func(h http.HandlerFunc) http.HandlerFunc { return h }, nil
	}
	if err := cfg.Cloud.CheckPushAuth(); err != nil {
		target := os.Getenv("FUNCTION_TARGET")
		if isPushFunction(target) {
			return nil, fmt.Errorf("push authentication: %w", err)
		}
		log.Error("push authentication is not configured; runtask, notify and tick refuse every request", "error", err.Error())
		refuse := func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "Forbidden", http.StatusForbidden) }
		return func(http.HandlerFunc) http.HandlerFunc { return refuse }, nil
	}
	v, err := oidc.New(ctx, oidc.Config{Audiences: cfg.Cloud.PushAudience, ServiceAccounts: cfg.Cloud.PushServiceAccount, Log: log})
	if err != nil {
		return nil, err
	}
	return func(h http.HandlerFunc) http.HandlerFunc { return v.Wrap(h).ServeHTTP }, nil
}

// isPushFunction reports whether Pub/Sub or Cloud Scheduler calls the function, with an OIDC
// token.
func isPushFunction(target string) bool {
	switch target {
	case "runtask", "notify", "tick":
		return true
	}
	return false
}

// reconcileOnStart runs one reconcile pass in the background when this server serves every
// function (a local run, which no Cloud Scheduler ticks). A tick service runs its first pass on
// its first tick.
func reconcileOnStart(p *platform.Platform, log *slog.Logger) {
	if os.Getenv("FUNCTION_TARGET") != "" {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if _, err := p.Reconciler.Run(ctx); err != nil {
			log.Error("reconcile on start", "error", err.Error())
		}
	}()
}
