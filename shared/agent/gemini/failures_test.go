package gemini_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// scripted answers the search with the model and the decision with the script, in order.
func scripted(m *geminitest.Model, decisions ...geminitest.Response) geminitest.Handler {
	var n atomic.Int32
	return func(req geminitest.Request) geminitest.Response {
		if req.Grounded {
			return m.Handle(req)
		}
		i := int(n.Add(1)) - 1
		if i < len(decisions) {
			return decisions[i]
		}
		return m.Handle(req)
	}
}

func TestInvalidAnswerIsRetriedOnceThenFails(t *testing.T) {
	malformed := geminitest.Text(`{"evidence": "cut off`, geminitest.Usage{Prompt: 100, Candidates: 5})
	f := newAgent(t, scripted(model(announced), malformed))
	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err, "one malformed answer is retried")
	require.True(t, out.Result.Notifies())
	require.Contains(t, f.server.Requests()[2].User, "Your previous answer could not be used: the answer was not a JSON object of the schema.")

	f = newAgent(t, scripted(model(announced), malformed, geminitest.EmptyCandidate()))
	out, err = f.agent.Run(context.Background(), input())
	ae := agent.AsError(err)
	require.Equal(t, task.CategoryAgent, ae.Category)
	require.False(t, ae.Retryable)
	require.Positive(t, out.Usage.PromptTokens, "a failed run still reports what it spent")
}

func TestEmptyAnswers(t *testing.T) {
	f := newAgent(t, scripted(model(announced), geminitest.Empty()))
	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err, "an empty candidate list is retried once")
	require.True(t, out.Result.Notifies())

	f = newAgent(t, func(req geminitest.Request) geminitest.Response { return geminitest.EmptyCandidate() })
	_, err = f.agent.Run(context.Background(), input())
	require.Equal(t, task.CategoryAgent, agent.AsError(err).Category)
	require.Len(t, f.server.Requests(), 2, "the empty search is asked twice, then the run fails")
}

func TestSafetyBlocksFailAtOnce(t *testing.T) {
	for name, resp := range map[string]geminitest.Response{"prompt": geminitest.PromptBlocked(), "candidate": geminitest.SafetyStop()} {
		t.Run(name, func(t *testing.T) {
			f := newAgent(t, func(geminitest.Request) geminitest.Response { return resp })
			_, err := f.agent.Run(context.Background(), input())
			ae := agent.AsError(err)
			require.Equal(t, task.CategoryAgent, ae.Category)
			require.False(t, ae.Retryable)
			require.Contains(t, ae.Message, "blocked")
			require.Len(t, f.server.Requests(), 1)
		})
	}
}

// failing answers with status for the first n calls, then with the model.
func failing(m *geminitest.Model, status int, n int32) geminitest.Handler {
	var calls atomic.Int32
	return func(req geminitest.Request) geminitest.Response {
		if calls.Add(1) <= n {
			return geminitest.Error(status)
		}
		return m.Handle(req)
	}
}

func TestRateLimitsAreRetriedThenFallBack(t *testing.T) {
	f := newAgent(t, failing(model(announced), 429, 2))
	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, config.DefaultModel, out.Usage.Model, "two 429s are absorbed by retries on the same model")
	require.Len(t, f.server.Requests(), 4)

	f = newAgent(t, failing(model(announced), 503, 3))
	out, err = f.agent.Run(context.Background(), input())
	require.NoError(t, err)
	reqs := f.server.Requests()
	require.Equal(t, config.DefaultFallbackModel, reqs[3].Model, "after three 503s the fallback model is asked")
	require.Equal(t, config.DefaultFallbackModel+"+"+config.DefaultModel, out.Usage.Model)
}

func TestPersistentRateLimitFailsAsRateLimit(t *testing.T) {
	f := newAgent(t, func(geminitest.Request) geminitest.Response { return geminitest.Error(429) })
	_, err := f.agent.Run(context.Background(), input())
	ae := agent.AsError(err)
	require.Equal(t, task.CategoryRateLimit, ae.Category)
	require.True(t, ae.Retryable, "the runner tries the run again later")
	require.Len(t, f.server.Requests(), 6, "three tries on each model")
}

func TestErrorCategories(t *testing.T) {
	cases := map[int]struct {
		category  task.ErrorCategory
		retryable bool
		calls     int
	}{
		401: {task.CategorySystem, false, 1},
		400: {task.CategoryAgent, false, 1},
		404: {task.CategoryAgent, false, 2}, // the fallback is tried once, and is missing too
		500: {task.CategoryNetwork, true, 6},
	}
	for status, c := range cases {
		f := newAgent(t, func(geminitest.Request) geminitest.Response { return geminitest.Error(status) })
		_, err := f.agent.Run(context.Background(), input())
		ae := agent.AsError(err)
		require.Equal(t, c.category, ae.Category, "status %d", status)
		require.Equal(t, c.retryable, ae.Retryable, "status %d", status)
		require.Len(t, f.server.Requests(), c.calls, "status %d", status)
	}
}

func TestUnreachableIsNetwork(t *testing.T) {
	f := newAgent(t, model(announced).Handle)
	f.server.Close()
	_, err := f.agent.Run(context.Background(), input())
	ae := agent.AsError(err)
	require.Equal(t, task.CategoryNetwork, ae.Category)
	require.True(t, ae.Retryable)
}

func TestEveryCallHasADeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release) // before the servers' cleanups, which wait for their handlers
	slow := func(req geminitest.Request) geminitest.Response {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		return geminitest.Error(500)
	}
	f := newAgent(t, slow, func(c *gemini.Config) { c.CallTimeout = 20 * time.Millisecond; c.FallbackModel = "" })
	start := time.Now()
	_, err := f.agent.Run(context.Background(), input())
	require.Less(t, time.Since(start), 2*time.Second)
	ae := agent.AsError(err)
	require.Equal(t, task.CategoryTimeout, ae.Category)
	require.Equal(t, "the model took too long to answer", ae.Message)

	f = newAgent(t, slow)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = f.agent.Run(ctx, input())
	ae = agent.AsError(err)
	require.Equal(t, task.CategoryTimeout, ae.Category, "the run's deadline ends it")
	require.True(t, ae.Retryable)
}

func TestBackoffStaysWithinTheRunsDeadline(t *testing.T) {
	f := newAgent(t, func(geminitest.Request) geminitest.Response { return geminitest.Error(503) },
		func(c *gemini.Config) {
			c.Retry = gemini.Retry{Initial: time.Hour, Max: time.Hour, Jitter: func() float64 { return 0.5 }}
		})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := f.agent.Run(ctx, input())
	require.Less(t, time.Since(start), time.Second, "a wait that would pass the deadline is skipped")
	require.Equal(t, task.CategoryRateLimit, agent.AsError(err).Category)
	require.Len(t, f.server.Requests(), 2, "one try of the model, one of the fallback")
}

func TestCancelledRunReturnsTheCancellation(t *testing.T) {
	f := newAgent(t, func(geminitest.Request) geminitest.Response { return geminitest.Error(503) },
		func(c *gemini.Config) { c.Retry = gemini.Retry{Initial: time.Hour, Max: time.Hour} })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := f.agent.Run(ctx, input())
	require.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestEmptyQueryIsAUserError(t *testing.T) {
	f := newAgent(t, model().Handle)
	_, err := f.agent.Run(context.Background(), agent.Input{SearchQuery: "  "})
	require.Equal(t, task.CategoryUser, agent.AsError(err).Category)
	require.Empty(t, f.server.Requests())
}
