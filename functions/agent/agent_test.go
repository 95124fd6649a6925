package agent_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/agent/remote"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

func serve(t *testing.T, a agent.Agent) (*agentfn.Function, *httptest.Server) {
	t.Helper()
	fn := agentfn.New(a, 5*time.Second, logging.Discard())
	srv := httptest.NewServer(fn)
	t.Cleanup(srv.Close)
	return fn, srv
}

func input() agent.Input {
	note := "It shipped."
	return agent.Input{SearchQuery: "iphone release date", ConditionDescription: "announced", Timezone: "Europe/London",
		NotifyBehavior: task.NotifyAlways, Now: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
		Recent: []task.Result{{Evidence: "before", Confidence: 70, Notification: &note, Sources: []task.Source{}}},
		Memory: []string{"a fact"}}
}

func TestRoundTrip(t *testing.T) {
	note := "Apple announced the date."
	next := time.Date(2026, 12, 2, 9, 17, 0, 0, time.UTC)
	want := agent.Output{Result: task.Result{Evidence: "found", Confidence: 91, Notification: &note, NextRun: &next,
		Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple"}}, Topic: "iPhone"},
		Usage: task.Usage{Model: "gemini-3.5-flash-lite", PromptTokens: 1300, OutputTokens: 120, SearchQueries: 1, CostUSD: 0.0145},
		Facts: []string{"Apple announced the date."}}
	fake := agenttest.New(agenttest.Reply{Output: want})
	_, srv := serve(t, fake)
	got, err := remote.New(srv.URL, nil).Run(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, input(), fake.Inputs()[0], "the input crosses the wire unchanged")

	silent := agent.Output{Result: task.Result{Evidence: "only rumours", Confidence: 80, Sources: []task.Source{}},
		Usage: want.Usage, Silence: task.SilenceConditionNotMet}
	_, srv = serve(t, agenttest.New(agenttest.Reply{Output: silent}))
	got, err = remote.New(srv.URL, nil).Run(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, silent, got, "why a run stayed silent crosses the wire")
}

func TestFailuresKeepTheirCategory(t *testing.T) {
	usage := task.Usage{Model: "m", PromptTokens: 10, CostUSD: 0.001}
	cases := map[string]struct {
		err    error
		status int
	}{
		"retryable": {&agent.Error{Category: task.CategoryRateLimit, Message: "the model is overloaded", Retryable: true,
			Err: errors.New("Error 503")}, http.StatusServiceUnavailable},
		"permanent": {&agent.Error{Category: task.CategoryAgent, Message: "the model's answer was unusable twice in a row"},
			http.StatusUnprocessableEntity},
		"unconfigured": {unconfigured(), http.StatusUnprocessableEntity},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, srv := serve(t, agenttest.New(agenttest.Reply{Err: c.err, Output: agent.Output{Usage: usage}}))
			res, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"search_query":"q"}`))
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, c.status, res.StatusCode)

			out, err := remote.New(srv.URL, nil).Run(context.Background(), input())
			want, got := agent.AsError(c.err), agent.AsError(err)
			require.Equal(t, want.Category, got.Category)
			require.Equal(t, want.Message, got.Message)
			require.Equal(t, want.Retryable, got.Retryable)
			require.Equal(t, usage, out.Usage, "a failed run's cost crosses the wire")
		})
	}
}

func TestBadRequests(t *testing.T) {
	_, srv := serve(t, agenttest.New())
	res, err := http.Get(srv.URL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	res, err = http.Post(srv.URL, "application/json", strings.NewReader(`{"search_query":`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
}

func TestRemoteClassifiesForeignAnswers(t *testing.T) {
	cases := map[int]task.ErrorCategory{http.StatusBadGateway: task.CategoryNetwork, http.StatusTooManyRequests: task.CategoryRateLimit,
		http.StatusForbidden: task.CategorySystem, http.StatusNotFound: task.CategorySystem}
	for status, want := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>upstream error</html>", status)
		}))
		_, err := remote.New(srv.URL, nil).Run(context.Background(), input())
		srv.Close()
		require.Equal(t, want, agent.AsError(err).Category, "status %d", status)
	}
	_, err := remote.New("http://127.0.0.1:1", nil).Run(context.Background(), input())
	require.Equal(t, task.CategoryNetwork, agent.AsError(err).Category)
	require.True(t, agent.AsError(err).Retryable)

	wait := make(chan struct{})
	defer close(wait)
	_, srv := serve(t, agenttest.New(agenttest.Reply{Wait: wait}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = remote.New(srv.URL, nil).Run(ctx, input())
	require.Equal(t, task.CategoryTimeout, agent.AsError(err).Category)
}

// SIGTERM (spot preemption) makes the server (serve.Server's Stop hooks) call Shutdown: the run in flight answers at once with a
// retryable failure, runtask's runner records the attempt as retrying and asks for redelivery.
func TestShutdownInterruptsRunsSoRuntaskRetries(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:agentfn"})
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Second)
	due := now.Add(-time.Minute)
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
		Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive, NextRunAt: &due})
	require.NoError(t, err)

	block := make(chan struct{})
	defer close(block)
	fake := agenttest.New(agenttest.Reply{Wait: block})
	fn, srv := serve(t, fake)
	r := runner.New(s, remote.New(srv.URL, nil), discardPublisher{}, time.Now, logging.Discard(),
		runner.Config{AgentTimeout: 10 * time.Second, MaxAttempts: 3})

	var wg sync.WaitGroup
	var handleErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		handleErr = r.Handle(ctx, event.RunTask{Version: event.Version, TaskID: tk.ID, UserID: u.ID, ScheduledFor: &due})
	}()
	require.Eventually(t, func() bool { return fake.Calls() == 1 }, 5*time.Second, 5*time.Millisecond)

	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	require.NoError(t, fn.Shutdown(sctx))
	wg.Wait()
	require.Less(t, time.Since(start), 2*time.Second, "the run stops at once")
	require.ErrorIs(t, handleErr, runner.ErrRetry, "runtask asks Pub/Sub to redeliver")

	execs, err := s.ListExecutions(ctx, u.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, execs, 1)
	require.Equal(t, task.StatusRetrying, execs[0].Status)
	require.Equal(t, "the check was interrupted and will run again", execs[0].Error)

	res, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"search_query":"q"}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "a stopping function takes no new runs")
}

func unconfigured() error {
	_, err := agent.Unconfigured{}.Run(context.Background(), agent.Input{})
	return err
}

type discardPublisher struct{}

func (discardPublisher) Publish(context.Context, string, []byte) error { return nil }

// A run's trail and findings cross the wire, a failed run's steps too, so runtask records what
// the agent function did as if it had run in-process.
func TestTrailCrossesTheWire(t *testing.T) {
	at := time.Date(2026, 11, 29, 9, 0, 1, 0, time.UTC)
	steps := []task.Step{
		{Kind: task.StepModel, At: at, Duration: 1200 * time.Millisecond, Purpose: "search", Model: "m", PromptTokens: 100, OutputTokens: 20, CostUSD: 0.0002},
		{Kind: task.StepSearch, At: at, Duration: 1200 * time.Millisecond, Queries: []string{"iphone 18"}, Results: 2, CostUSD: 0.035},
		{Kind: task.StepPage, At: at, Duration: 300 * time.Millisecond, URL: "https://example.com/huge", Status: 200, Bytes: 2 << 20,
			Failure: "the page is larger than 2 MiB"},
		{Kind: task.StepRetry, At: at, Duration: 2 * time.Second, Purpose: "decide", Model: "m", Failure: "the model is overloaded"},
		{Kind: task.StepDecision, At: at, Duration: time.Second, Notifies: true, Confidence: 90},
	}
	note := "Shipped."
	want := agent.Output{Result: task.Result{Evidence: "e", Confidence: 90, Notification: &note, Sources: []task.Source{}},
		Usage: task.Usage{Model: "m", PromptTokens: 100, OutputTokens: 20, SearchQueries: 1, CostUSD: 0.0352}, Steps: steps,
		Findings: []task.Finding{{Kind: "report", Text: "It shipped [1]"}, {Kind: "page", URL: "https://example.com", Title: "E", Text: "t", Read: true}}}
	_, srv := serve(t, agenttest.New(agenttest.Reply{Output: want}))
	got, err := remote.New(srv.URL, nil).Run(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, want, got)

	failed := agent.Output{Usage: task.Usage{Model: "m", PromptTokens: 100}, Steps: steps[:1]}
	_, srv = serve(t, agenttest.New(agenttest.Reply{Output: failed,
		Err: &agent.Error{Category: task.CategoryAgent, Message: "the model's answer was unusable twice in a row"}}))
	got, err = remote.New(srv.URL, nil).Run(context.Background(), input())
	require.Error(t, err)
	require.Equal(t, failed.Steps, got.Steps, "a failed run's steps cross the wire")
}
