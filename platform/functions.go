package platform

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/functions/api"
	notifyfn "github.com/torale-ai/torale/functions/notify"
	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/functions/tick"
	"github.com/torale-ai/torale/platform/agentservice"
	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/web"
)

// served is one function as the server mounts it.
type served struct {
	name    Function
	handler http.Handler
	// timeout bounds one request: its context ends then, so the work is handed back.
	timeout time.Duration
	// stop hands back the function's work in flight at once when shutdown begins; nil waits
	// for the drain.
	stop func(ctx context.Context) error
}

// push wraps a push function (runtask, notify, tick) in the check of its caller's OIDC token.
type push func(http.HandlerFunc) http.HandlerFunc

// serve builds the handlers of fns over p. Each timeout is how long the function's slowest
// honest request takes: runtask waits for the agent and records the result, the agent decides
// within TORALE_AGENT_TIMEOUT, the API's previews wait for the agent and its admins may run a
// reconcile pass, as a tick may.
func (p *Platform) serve(fns []Function, cfg config.Config, auth push, log *slog.Logger) []served {
	var out []served
	for _, f := range fns {
		s := served{name: f}
		switch f {
		case FunctionAPI:
			// The API's origin serves the dashboard too: notification links and sign-in share it.
			s.handler, s.timeout = web.WithDashboard(p.API), apiTimeout(cfg.AgentTimeout)
		case FunctionRunTask:
			s.handler = auth(runtask.New(p.Gate, runtask.Config{RetryHorizon: cfg.Cloud.RetryHorizon, Log: log}))
			s.timeout = cfg.AgentTimeout + time.Minute
		case FunctionNotify:
			s.handler = auth(notifyfn.New(p.Notifier, notifyfn.Config{RetryHorizon: cfg.Cloud.RetryHorizon, Log: log}))
			s.timeout = 2 * time.Minute
		case FunctionTick:
			s.handler = auth(tick.New(tick.Config{Sweeper: SweepFunc(p.Tick), Reconciler: p.Reconciler,
				ReconcileEvery: cfg.Cloud.ReconcileEvery, Expirer: p, Log: log}))
			s.timeout = 10 * time.Minute
		case FunctionWorker:
			// The worker pulls its work (Cloud.Run starts it); over HTTP it answers health only.
			s.handler, s.timeout = workerHandler, time.Minute
		case FunctionAgent:
			a := agentfn.New(p.Agent, cfg.AgentTimeout, log)
			s.handler, s.timeout, s.stop = a, agentservice.Timeout(cfg.AgentTimeout), a.Shutdown
		}
		out = append(out, s)
	}
	return out
}

// router routes like the Functions Framework: with a target, its one function answers every
// path and GET /healthz and GET /health answer the health check beside it; without, each
// function answers at /<name>, and /healthz and /health beside them. /health is for checks
// from outside: Cloud Run keeps some paths ending in z for itself. Every request's context
// ends at its function's timeout.
func (p *Platform) router(fns []served, target bool, log *slog.Logger) http.Handler {
	health := http.Handler(p.API)
	if p.API == nil {
		// The same health endpoint, with nothing else of the API built.
		health = api.New(api.Deps{Health: p.Health, Now: p.now, Log: log})
	}
	mux := http.NewServeMux()
	if target {
		mux.Handle("GET /healthz", health)
		mux.Handle("GET /health", health)
		mux.Handle("/", serve.Bounded(fns[0].handler, fns[0].timeout))
		return mux
	}
	mux.Handle("/healthz", health)
	mux.Handle("/health", health)
	for _, f := range fns {
		mux.Handle("/"+string(f.name), serve.Bounded(f.handler, f.timeout))
	}
	return mux
}

// longest is the longest timeout of fns, which the server's write timeout must exceed.
// apiTimeout is how long the API's slowest honest request takes: a preview waits for the agent
// (agent, plus the search before it), and an admin's reconcile pass may take minutes; five is
// Cloud Run's default request timeout.
func apiTimeout(agent time.Duration) time.Duration {
	return max(agent+30*time.Second, 5*time.Minute)
}

func longest(fns []served) time.Duration {
	var d time.Duration
	for _, f := range fns {
		d = max(d, f.timeout)
	}
	return d
}
