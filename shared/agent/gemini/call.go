package gemini

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"google.golang.org/genai"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// Retry is how one step retries a model that is rate-limited (429), overloaded (503) or briefly
// unreachable. Zero fields take the defaults.
type Retry struct {
	// Attempts is the tries per model before moving to the fallback (default 3).
	Attempts int
	// Initial is the first wait (default 1s); each later wait doubles, up to Max (default 16s).
	// Waits are drawn uniformly from [0, wait] ("full jitter") so retries spread out.
	Initial time.Duration
	Max     time.Duration
	// Jitter returns a number in [0, 1) (default math/rand/v2).
	Jitter func() float64
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 3
	}
	if r.Initial <= 0 {
		r.Initial = time.Second
	}
	if r.Max <= 0 {
		r.Max = 16 * time.Second
	}
	if r.Jitter == nil {
		r.Jitter = rand.Float64
	}
	return r
}

// wait returns the pause before retry number n (0-based).
func (r Retry) wait(n int) time.Duration {
	d := r.Initial << n
	if d > r.Max || d <= 0 {
		d = r.Max
	}
	return time.Duration(r.Jitter() * float64(d))
}

// caller makes model calls: each with its own deadline, retried with backoff on transient
// failures, then on the fallback model.
type caller struct {
	models      *genai.Models
	chain       []string // the model, then the fallback
	retry       Retry
	callTimeout time.Duration
	prices      config.Prices
	log         *slog.Logger
}

// reply is a model's answer, which model gave it, and what it cost.
type reply struct {
	resp  *genai.GenerateContentResponse
	model string
	usage task.Usage
}

// generate calls the models in turn until one answers. A permanent failure (bad request, key
// refused, safety block) returns at once; transient ones are retried within ctx's deadline.
func (c *caller) generate(ctx context.Context, step string, user string, cfg *genai.GenerateContentConfig) (reply, error) {
	contents := []*genai.Content{genai.NewContentFromText(user, genai.RoleUser)}
	var last *agent.Error
	for i, model := range c.chain {
		if i > 0 {
			c.log.Warn("falling back to another model", slog.String("step", step), slog.String("from", c.chain[i-1]), slog.String("to", model),
				slog.String("error", last.Error()))
			agent.Record(ctx, task.Step{Kind: task.StepRetry, At: time.Now(), Purpose: step, Model: model,
				Failure: c.chain[i-1] + " failed (" + last.Message + "), so " + model + " was asked instead"})
		}
		for attempt := 0; attempt < c.retry.Attempts; attempt++ {
			rep, err := c.once(ctx, step, model, contents, cfg)
			if err == nil {
				return rep, nil
			}
			if ctx.Err() != nil {
				return reply{}, ctxError(ctx)
			}
			ae, transient, tryFallback := classify(err)
			last = ae
			if !transient {
				if tryFallback {
					break
				}
				return reply{}, ae
			}
			if attempt == c.retry.Attempts-1 {
				break
			}
			wait := c.retry.wait(attempt)
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
				break // no time to wait here; the fallback may still answer
			}
			c.log.Info("retrying model call", slog.String("step", step), slog.String("model", model), slog.Int("attempt", attempt+1),
				slog.String("wait", wait.String()), slog.String("error", err.Error()))
			agent.Record(ctx, task.Step{Kind: task.StepRetry, At: time.Now(), Duration: wait, Purpose: step, Model: model,
				Failure: ae.Message})
			if err := sleep(ctx, wait); err != nil {
				return reply{}, ctxError(ctx)
			}
		}
	}
	if last == nil {
		return reply{}, &agent.Error{Category: task.CategorySystem, Message: agent.ErrUnconfigured}
	}
	return reply{}, last
}

// once makes one call with its own deadline.
func (c *caller) once(ctx context.Context, step, model string, contents []*genai.Content, cfg *genai.GenerateContentConfig) (reply, error) {
	cctx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	start := time.Now()
	resp, err := c.models.GenerateContent(cctx, model, contents, cfg)
	call := task.Step{Kind: task.StepModel, At: start, Duration: time.Since(start), Purpose: step, Model: model}
	if err != nil {
		if cctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("%w: %w", errCallTimeout, err)
		}
		call.Failure = failure(ctx, err)
		agent.Record(ctx, call)
		return reply{}, err
	}
	rep := reply{resp: resp, model: model, usage: usageOf(resp, model, c.prices)}
	call.PromptTokens, call.OutputTokens, call.CostUSD = rep.usage.PromptTokens, rep.usage.OutputTokens, rep.usage.CostUSD
	agent.Record(ctx, call)
	c.log.Debug("model call", slog.String("step", step), slog.String("model", model), slog.Int("prompt_tokens", rep.usage.PromptTokens),
		slog.Int("output_tokens", rep.usage.OutputTokens), slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	return rep, nil
}

// failure is a failed call in the user's words, for the trail.
func failure(ctx context.Context, err error) string {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return "the run was interrupted"
	case ctx.Err() != nil:
		return agent.AsError(ctxError(ctx)).Message
	}
	ae, _, _ := classify(err)
	return ae.Message
}

// errCallTimeout marks a call that outlived its own deadline while the run still had time.
var errCallTimeout = errors.New("model call timed out")

func usageOf(resp *genai.GenerateContentResponse, model string, prices config.Prices) task.Usage {
	u := task.Usage{Model: model}
	if m := resp.UsageMetadata; m != nil {
		u.PromptTokens = int(m.PromptTokenCount) + int(m.ToolUsePromptTokenCount)
		u.OutputTokens = int(m.CandidatesTokenCount) + int(m.ThoughtsTokenCount)
	}
	u.CostUSD = prices.Tokens(model, u.PromptTokens, u.OutputTokens)
	return u
}

// classify says what a failed call means for the user, whether waiting could help, and whether
// another model might do better.
func classify(err error) (ae *agent.Error, transient, fallback bool) {
	var api genai.APIError
	switch {
	case errors.As(err, &api):
		return classifyStatus(api.Code, err)
	case errors.Is(err, errCallTimeout):
		return &agent.Error{Category: task.CategoryTimeout, Retryable: true, Err: err,
			Message: "the model took too long to answer"}, true, false
	case isNetwork(err):
		return &agent.Error{Category: task.CategoryNetwork, Retryable: true, Err: err,
			Message: "the model provider could not be reached"}, true, false
	}
	return &agent.Error{Category: task.CategorySystem, Retryable: true, Err: err,
		Message: "the check failed unexpectedly"}, false, false
}

func classifyStatus(code int, err error) (*agent.Error, bool, bool) {
	switch {
	case code == http.StatusTooManyRequests:
		return &agent.Error{Category: task.CategoryRateLimit, Retryable: true, Err: err,
			Message: "the model provider is rate-limiting requests"}, true, true
	case code == http.StatusServiceUnavailable:
		return &agent.Error{Category: task.CategoryRateLimit, Retryable: true, Err: err,
			Message: "the model is overloaded"}, true, true
	case code == http.StatusGatewayTimeout:
		return &agent.Error{Category: task.CategoryTimeout, Retryable: true, Err: err,
			Message: "the model took too long to answer"}, true, true
	case code >= 500:
		return &agent.Error{Category: task.CategoryNetwork, Retryable: true, Err: err,
			Message: "the model provider had an internal error"}, true, true
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return &agent.Error{Category: task.CategorySystem, Err: err,
			Message: "the Gemini API key was refused; check GEMINI_API_KEY"}, false, false
	case code == http.StatusNotFound:
		return &agent.Error{Category: task.CategoryAgent, Err: err,
			Message: "the configured model does not exist; check TORALE_MODEL"}, false, true
	}
	return &agent.Error{Category: task.CategoryAgent, Err: err,
		Message: "the model refused the request"}, false, false
}

// isNetwork reports a failure of the connection rather than of the call. A reset is known by
// its errno (ECONNRESET, under *net.OpError and *os.SyscallError), not by its text.
func isNetwork(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET)
}

// ctxError is what a run that ran out of time or was cancelled returns: a timeout the runner
// retries, or the cancellation itself so the runner sees it was interrupted.
func ctxError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &agent.Error{Category: task.CategoryTimeout, Retryable: true, Err: ctx.Err(),
			Message: "the check took too long and was stopped"}
	}
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// addUsage adds b's costs to a; the model names every model that answered.
func addUsage(a *task.Usage, b task.Usage) {
	a.PromptTokens += b.PromptTokens
	a.OutputTokens += b.OutputTokens
	a.SearchQueries += b.SearchQueries
	a.CostUSD += b.CostUSD
	if b.Model == "" {
		return
	}
	for _, m := range strings.Split(a.Model, "+") {
		if m == b.Model {
			return
		}
	}
	if a.Model == "" {
		a.Model = b.Model
	} else {
		a.Model += "+" + b.Model
	}
}
