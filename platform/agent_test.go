package platform_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/agent/memory/mem0test"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// The web the fake Gemini searches in these tests.
var iphoneWeb = []geminitest.Page{
	{URL: "https://www.apple.com/newsroom/2026/11/iphone-18/", Title: "apple.com",
		Text: "OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026."},
	{URL: "https://rumours.example.com/iphone-18", Title: "rumours.example.com",
		Text: "RUMOUR: Leakers claim iPhone 18 could ship in late September."},
}

// startConfigured runs the whole platform in-process with the agent chosen from env, as torale
// dev does, on a fresh database.
func startConfigured(t *testing.T, env map[string]string) string {
	t.Helper()
	return startConfiguredWith(t, env, func(*platform.Local) {})
}

// startConfiguredWith is startConfigured with edit applied to the platform first.
func startConfiguredWith(t *testing.T, env map[string]string, edit func(*platform.Local)) string {
	t.Helper()
	env["DATABASE_URL"] = storetest.URL(t)
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	return runLocalWith(t, cfg, nil, edit)
}

// agentE2EFinished polls the task's executions until there are n and the newest is final.
func agentE2EFinished(t *testing.T, base, taskID string, n int) contract.Execution {
	t.Helper()
	var got struct {
		Data []contract.Execution `json:"data"`
	}
	require.Eventually(t, func() bool {
		got.Data = nil
		call(t, "GET", base+"/api/v1/tasks/"+taskID+"/executions", nil, &got)
		return len(got.Data) == n && got.Data[0].Status.Final()
	}, 20*time.Second, 20*time.Millisecond)
	return got.Data[0]
}

// runTwice creates an always-notify task, lets its first run finish, runs it again by hand, and
// returns both executions.
func runTwice(t *testing.T, base string) (contract.Execution, contract.Execution) {
	t.Helper()
	var created struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query":          "When will Apple announce the iPhone 18 release date?",
		"condition_description": "Apple officially announces the release date",
		"notify_behavior":       "always",
	}, &created))
	first := agentE2EFinished(t, base, created.ID, 1)
	require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/tasks/"+created.ID+"/run", nil, nil))
	return first, agentE2EFinished(t, base, created.ID, 2)
}

// torale dev with GEMINI_API_KEY and GOOGLE_GEMINI_BASE_URL pointed at a fake Gemini runs tasks
// end to end: grounded search, decision, sources from grounding resolved to the pages' own
// addresses, cost recorded, and memory keeping the second run from notifying the same news.
func TestLocalRunsTasksWithGeminiEndToEnd(t *testing.T) {
	redirector := geminitest.NewRedirector(t, iphoneWeb)
	model := &geminitest.Model{Web: iphoneWeb, Redirects: redirector.URL}
	fake := geminitest.New(t, model.Handle)
	base := startConfiguredWith(t, map[string]string{"GEMINI_API_KEY": "AIzaSyFAKE-e2e-key-000000", "GOOGLE_GEMINI_BASE_URL": fake.URL},
		func(l *platform.Local) { l.Grounding = redirector.Resolver() })

	first, second := runTwice(t, base)
	require.Equal(t, task.StatusSuccess, first.Status, "error: %s", first.Error)
	require.True(t, first.Result.Notifies())
	require.Equal(t, "Apple announced that iPhone 18 ships on 18 September 2026.", *first.Result.Notification)
	require.Equal(t, []contract.Source{{URL: iphoneWeb[0].URL, Title: "apple.com"}}, first.Result.Sources,
		"the grounding redirect is resolved to the page's own address")
	require.Equal(t, config.DefaultModel, first.Usage.Model)
	require.Positive(t, first.Usage.PromptTokens)
	require.Equal(t, 1, first.Usage.SearchQueries)
	require.Greater(t, first.Usage.CostUSD, 0.014)

	require.Equal(t, task.StatusSuccess, second.Status)
	require.False(t, second.Result.Notifies(), "the same news is not notified twice")
	reqs := fake.Requests()
	require.Len(t, reqs, 4, "two calls per run")
	require.Contains(t, reqs[3].User, "facts already reported")

	var preview struct {
		Result contract.Result `json:"result"`
		Usage  contract.Usage  `json:"usage"`
	}
	require.Equal(t, http.StatusOK, call(t, "POST", base+"/api/v1/tasks/preview",
		map[string]any{"search_query": "When will Apple announce the iPhone 18 release date?"}, &preview))
	require.True(t, preview.Result.Notifies(), "preview uses the same agent, without memory")
	require.Equal(t, config.DefaultModel, preview.Usage.Model)
}

// With TORALE_AGENT_URL set, runs go to the agent function over HTTP; with MEM0_API_KEY, memory
// lives in Mem0.
func TestLocalCallsTheAgentFunctionAndMem0(t *testing.T) {
	model := &geminitest.Model{Web: iphoneWeb}
	fake := geminitest.New(t, model.Handle)
	g, err := gemini.New(context.Background(), gemini.Config{APIKey: "AIzaSyFAKE-e2e-key-000000", BaseURL: fake.URL,
		MinConfidence: 60, Log: logging.Discard()})
	require.NoError(t, err)
	fn := agentfn.New(g, 30*time.Second, logging.Discard())
	var calls atomic.Int32
	agentSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fn.ServeHTTP(w, r)
	}))
	t.Cleanup(agentSrv.Close)
	mem := mem0test.New(t, "m0-e2e")

	base := startConfigured(t, map[string]string{"TORALE_AGENT_URL": agentSrv.URL,
		"MEM0_API_KEY": "m0-e2e", "MEM0_BASE_URL": mem.URL})
	first, second := runTwice(t, base)
	require.Equal(t, task.StatusSuccess, first.Status, "error: %s", first.Error)
	require.True(t, first.Result.Notifies())
	require.False(t, second.Result.Notifies())
	require.EqualValues(t, 2, calls.Load(), "both runs went to the agent function")
	require.Len(t, mem.Adds(), 1, "the reported fact went to Mem0")
	require.Len(t, mem.Searches(), 2, "each run recalled the task's memory")
}
