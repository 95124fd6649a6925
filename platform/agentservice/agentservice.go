// Package agentservice is the agent function's Cloud Run service on its own: the model agent
// configured from the environment, served with the platform's server and health check. It
// links the agent's packages and nothing of the database, Pub/Sub, Cloud Scheduler, the mailer or
// the API, so the binary built from it (functions/cmd/functions-agent, the image's agent
// service) starts and idles like a small server; the functions server runs the same code for
// FUNCTION_TARGET=agent.
package agentservice

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"cloud.google.com/go/compute/metadata"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/perplexity"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
)

// Service is the agent function as its own server.
type Service struct {
	Config config.Config
	// Host is the address to listen on (HOST; empty is every interface); Config.Port the port.
	Host string
	// Grace is how long shutdown may take in all; the last 2s are for answering the runs it
	// stopped. Zero takes TORALE_SHUTDOWN_GRACE, else 9s.
	Grace time.Duration
	Log   *slog.Logger
}

// Run serves the agent at every path, with GET /healthz and GET /health beside it, until ctx
// ends; then it stops the runs in flight at once (each answered as retryable, so the caller
// runs it elsewhere) and shuts down in order.
func (s Service) Run(ctx context.Context) error {
	grace := serve.Grace(s.Grace, s.Config.Cloud.ShutdownGrace)
	if s.Config.Agent.PageAllowPrivate {
		s.Log.Warn("TORALE_PAGE_ALLOW_PRIVATE=true: the pages watches list may be read from loopback, private and metadata addresses")
	}
	a, err := Configured(s.Config, nil, nil, s.Log)
	if err != nil {
		return err
	}
	fn := agentfn.New(a, s.Config.AgentTimeout, s.Log)
	timeout := Timeout(s.Config.AgentTimeout)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthy)
	mux.HandleFunc("GET /health", healthy)
	mux.Handle("/", serve.Bounded(fn, timeout))
	tracer := logging.NewTracer(s.Config.Cloud.GCPProject, metadata.NewClient(nil))
	srv := serve.Server{Handler: tracer.Wrap(mux), Write: serve.WriteTimeout(timeout), Drain: grace - 2*time.Second,
		HandBack: 2 * time.Second, Stop: []func(context.Context) error{fn.Shutdown}, Log: s.Log}
	ln, err := serve.Listen(ctx, s.Host, s.Config.Port)
	if err != nil {
		return err
	}
	s.Log.Info("serving functions", slog.String("addr", ln.Addr().String()), slog.String("target", "agent"))
	return srv.Serve(ctx, ln)
}

// Timeout bounds one agent request: the run's own TORALE_AGENT_TIMEOUT, and 30s to answer.
func Timeout(agentTimeout time.Duration) time.Duration {
	return agentTimeout + 30*time.Second
}

// healthy answers the health check as the API's does for a process with no database.
func healthy(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(contract.Health{Status: "ok"})
}

// Configured is Gemini when a key is set, searching with Google Search grounding or
// Perplexity; without a key, runs fail saying which key to set. links resolves grounding
// redirects (nil: Google's redirect host through the production SSRF policy); pages reads the
// pages a deep run cites (nil: a reader through the SSRF guard with TORALE_PAGE_ALLOW_PRIVATE).
func Configured(cfg config.Config, links *grounding.Resolver, pages *page.Reader, log *slog.Logger) (agent.Agent, error) {
	a := cfg.Agent
	if cfg.GeminiAPIKey == "" {
		log.Warn("no model provider is configured; runs will fail until GEMINI_API_KEY is set")
		return agent.Unconfigured{}, nil
	}
	if pages == nil {
		pages = page.NewReader(netguard.New(page.GuardOptions(a.PageAllowPrivate)), page.Options{})
	}
	if links == nil {
		links = grounding.New(netguard.New(netguard.Options{}), grounding.Options{})
	}
	gc := gemini.Config{APIKey: cfg.GeminiAPIKey, BaseURL: a.GeminiBaseURL, Model: a.Model,
		FallbackModel: a.FallbackModel, MinConfidence: a.MinConfidence, Prices: a.Prices, Log: log,
		Secrets: []string{a.PerplexityAPIKey, a.Mem0APIKey, cfg.ClerkSecretKey}, Links: links, Pages: pages}
	if a.Search == config.SearchPerplexity {
		gc.Searcher = perplexity.New(perplexity.Config{APIKey: a.PerplexityAPIKey, BaseURL: a.PerplexityBaseURL, Prices: a.Prices})
	}
	g, err := gemini.New(context.Background(), gc)
	if err != nil {
		return nil, err
	}
	log.Info("agent configured", slog.String("model", a.Model), slog.String("fallback_model", a.FallbackModel),
		slog.String("search", a.Search), slog.Int("min_confidence", a.MinConfidence))
	return g, nil
}
