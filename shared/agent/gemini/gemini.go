// Package gemini is Torale's agent: a search step (Gemini with Google Search grounding, or any
// Searcher such as Perplexity's Search API) gathers current facts, then a structured call to
// Gemini with a response JSON schema and no tools decides on them, and package verdict checks
// the answer. Two calls rather than one, because whether a model accepts the search tool and a
// response schema together varies by model; the split also keeps web text away from the call
// that writes the result, except as fenced data.
package gemini

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"google.golang.org/genai"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/prompt"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/agent/verdict"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/task"
)

// Searcher is a search step: it finds current facts for a run.
type Searcher interface {
	Search(ctx context.Context, in agent.Input) (search.Findings, task.Usage, error)
}

// Config is what an Agent needs; zero fields take the documented defaults.
type Config struct {
	// APIKey is the Gemini API key (required).
	APIKey string
	// BaseURL replaces the Gemini API endpoint (GOOGLE_GEMINI_BASE_URL).
	BaseURL string
	// Model decides (default config.DefaultModel); FallbackModel, when set, is tried after Model
	// keeps failing transiently or is gone.
	Model         string
	FallbackModel string
	// Searcher replaces the grounded Google Search step.
	Searcher Searcher
	// MinConfidence holds back notifications from less sure answers (0 allows all).
	MinConfidence int
	// Prices estimate each run's cost (default config.DefaultPrices()).
	Prices config.Prices
	// Secrets must never appear in a result (the provider keys).
	Secrets []string
	// HTTPClient carries the calls (default: a client with no overall timeout; deadlines come
	// from contexts).
	HTTPClient *http.Client
	// Retry is the backoff for rate limits and overloads.
	Retry Retry
	// CallTimeout bounds each model call within the run's deadline (default 60s).
	CallTimeout time.Duration
	// Nonce supplies prompt fence ids (default crypto/rand).
	Nonce io.Reader
	// Links resolves the grounding redirect links among a result's sources to the pages'
	// own addresses, so emails, webhooks and the API carry links a person can read; nil
	// leaves sources as the search gave them.
	Links *grounding.Resolver
	// Pages reads the pages a watch lists, beside the search, on every run; nil reads none
	// (each run's evidence then says so).
	Pages PageReader
	Log   *slog.Logger
}

// Agent decides runs with Gemini. It is safe for concurrent use.
type Agent struct {
	caller   *caller
	prompts  *prompt.Renderer
	searcher Searcher
	schema   map[string]any
	minConf  int
	secrets  []string
	links    *grounding.Resolver
	pages    PageReader
	log      *slog.Logger
}

// New returns an Agent. It makes no network call.
func New(ctx context.Context, cfg Config) (*Agent, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("gemini: no API key")
	}
	if cfg.Model == "" {
		cfg.Model = config.DefaultModel
	}
	if cfg.Prices.Models == nil {
		cfg.Prices = config.DefaultPrices()
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 60 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	client, err := genai.NewClient(ctx, &genai.ClientConfig{
		Backend: genai.BackendGeminiAPI, APIKey: cfg.APIKey, HTTPClient: cfg.HTTPClient,
		HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the Gemini client: %w", err)
	}
	chain := []string{cfg.Model}
	if cfg.FallbackModel != "" && cfg.FallbackModel != cfg.Model {
		chain = append(chain, cfg.FallbackModel)
	}
	a := &Agent{
		caller: &caller{models: client.Models, chain: chain, retry: cfg.Retry.withDefaults(),
			callTimeout: cfg.CallTimeout, prices: cfg.Prices, log: cfg.Log},
		prompts: prompt.New(cfg.Nonce), schema: verdict.Schema(), minConf: cfg.MinConfidence,
		secrets: append([]string{cfg.APIKey}, cfg.Secrets...), links: cfg.Links, pages: cfg.Pages, log: cfg.Log,
	}
	a.searcher = cfg.Searcher
	if a.searcher == nil {
		a.searcher = &grounded{caller: a.caller, prompts: a.prompts, prices: cfg.Prices}
	}
	return a, nil
}

// Run searches, decides and validates one run. On failure the Output still carries the usage
// of the calls that were made, and the steps taken (agent.Trail).
func (a *Agent) Run(ctx context.Context, in agent.Input) (agent.Output, error) {
	ctx, trail := agent.WithTrail(ctx)
	out, err := a.run(ctx, in)
	out.Steps = trail.Steps()
	return out, err
}

func (a *Agent) run(ctx context.Context, in agent.Input) (agent.Output, error) {
	var out agent.Output
	if strings.TrimSpace(in.SearchQuery) == "" {
		return out, &agent.Error{Category: task.CategoryUser, Message: "the watch has no search query"}
	}
	// The watch's pages are read while the search runs; both end by the run's deadline.
	wait := a.readPages(ctx, in.URLs)
	f, usage, err := a.research(ctx, in)
	reads := wait()
	addUsage(&out.Usage, usage)
	if err != nil {
		return out, err
	}
	f = withPages(f, reads)
	if in.Depth == task.DepthDeep {
		f = a.readPicked(ctx, f, in.URLs)
	}
	out.Findings = findingsOf(f)
	start := time.Now()
	d, usage, err := a.decide(ctx, in, f)
	addUsage(&out.Usage, usage)
	if err != nil {
		return out, err
	}
	agent.Record(ctx, task.Step{Kind: task.StepDecision, At: start, Duration: time.Since(start), Notifies: d.Result.Notifies(),
		Confidence: d.Result.Confidence, Silence: d.SilenceReason})
	out.Result, out.Facts, out.Silence = d.Result, d.Facts, d.SilenceReason
	out.Result.Sources = a.readable(ctx, out.Result.Sources)
	out.Result.Evidence = withFailures(out.Result.Evidence, reads)
	a.log.Info("run decided", slog.String("model", out.Usage.Model), slog.Int("pages", len(f.Pages)), slog.Int("sources", len(d.Result.Sources)),
		slog.Int("dropped_sources", d.DroppedSources), slog.Bool("notifies", d.Result.Notifies()), slog.String("held_back", d.HeldBack),
		slog.String("silence_reason", string(d.SilenceReason)),
		slog.Int("confidence", d.Result.Confidence), slog.Int("prompt_tokens", out.Usage.PromptTokens),
		slog.Int("output_tokens", out.Usage.OutputTokens), slog.Int("search_queries", out.Usage.SearchQueries), slog.Float64("cost_usd", float64(out.Usage.CostUSD)))
	return out, nil
}

// decide asks for a structured decision over f; an unusable answer is asked for once more, with
// the reason, before the run fails.
func (a *Agent) decide(ctx context.Context, in agent.Input, f search.Findings) (verdict.Decision, task.Usage, error) {
	var usage task.Usage
	loc, _, err := task.CanonicalZone(in.Timezone)
	if err != nil {
		loc = time.UTC
	}
	policy := verdict.Policy{MinConfidence: a.minConf, Memory: in.Memory, Secrets: a.secrets}
	reason := ""
	var lastErr error
	for try := 0; try < 2; try++ {
		p, err := a.prompts.Decide(in, f, reason)
		if err != nil {
			return verdict.Decision{}, usage, err
		}
		rep, err := a.caller.generate(ctx, "decide", p.User, &genai.GenerateContentConfig{
			SystemInstruction: genai.NewContentFromText(p.System, genai.RoleUser),
			ResponseMIMEType:  "application/json", ResponseJsonSchema: a.schema,
		})
		if err != nil {
			return verdict.Decision{}, usage, err
		}
		addUsage(&usage, rep.usage)
		d, err := a.read(rep, loc, policy, f)
		var ie *verdict.InvalidError
		if errors.As(err, &ie) {
			a.log.Warn("unusable model answer", slog.String("model", rep.model), slog.Int("try", try+1), slog.String("error", ie.Error()))
			agent.Record(ctx, task.Step{Kind: task.StepRetry, At: time.Now(), Purpose: "decide", Model: rep.model,
				Failure: "the model's answer was unusable: " + ie.Reason})
			reason, lastErr = ie.Reason, err
			continue
		}
		return d, usage, err
	}
	return verdict.Decision{}, usage, &agent.Error{Category: task.CategoryAgent, Err: lastErr,
		Message: "the model's answer was unusable twice in a row"}
}

func (a *Agent) read(rep reply, loc *time.Location, policy verdict.Policy, f search.Findings) (verdict.Decision, error) {
	_, text, err := answer(rep.resp)
	if errors.Is(err, errEmpty) {
		return verdict.Decision{}, &verdict.InvalidError{Reason: "the answer was empty"}
	}
	if err != nil {
		return verdict.Decision{}, err
	}
	ans, err := verdict.Parse(text, loc)
	if err != nil {
		return verdict.Decision{}, err
	}
	return policy.Apply(ans, f.Pages)
}

// grounded is the default search step: Gemini with the Google Search tool writes a report, and
// the grounding metadata says which pages it read.
type grounded struct {
	caller  *caller
	prompts *prompt.Renderer
	prices  config.Prices
}

// Search runs the grounded call, asking once more when the answer is empty.
func (g *grounded) Search(ctx context.Context, in agent.Input) (search.Findings, task.Usage, error) {
	var usage task.Usage
	p, err := g.prompts.Search(in)
	if err != nil {
		return search.Findings{}, usage, err
	}
	cfg := &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText(p.System, genai.RoleUser),
		Tools:             []*genai.Tool{{GoogleSearch: &genai.GoogleSearch{}}},
	}
	var lastErr error
	for try := 0; try < 2; try++ {
		start := time.Now()
		rep, err := g.caller.generate(ctx, "search", p.User, cfg)
		if err != nil {
			return search.Findings{}, usage, err
		}
		addUsage(&usage, rep.usage)
		c, text, err := answer(rep.resp)
		if err != nil && !errors.Is(err, errEmpty) {
			return search.Findings{}, usage, err
		}
		f := search.Findings{Provider: config.SearchGemini}
		if c != nil {
			f = groundedFindings(text, c)
		}
		fee := g.prices.Searches(config.SearchGemini, f.Queries)
		usage.SearchQueries += f.Queries
		usage.CostUSD += fee
		// The model call is its own step; this one is the search it ran, with the query fees.
		step := task.Step{Kind: task.StepSearch, At: start, Duration: time.Since(start), Queries: f.Asked,
			Results: len(f.Pages), CostUSD: fee}
		if f.Summary != "" || len(f.Pages) > 0 {
			agent.Record(ctx, step)
			return f, usage, nil
		}
		step.Failure = "the search found nothing usable"
		agent.Record(ctx, step)
		if try == 0 {
			agent.Record(ctx, task.Step{Kind: task.StepRetry, At: time.Now(), Purpose: "search", Failure: step.Failure})
		}
		lastErr = errEmpty
	}
	return search.Findings{}, usage, &agent.Error{Category: task.CategoryAgent, Err: lastErr,
		Message: "the search step found nothing usable twice in a row"}
}
