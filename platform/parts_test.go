package platform

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func testConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	return cfg
}

// Each function's service builds what that function calls and nothing else.
func TestEachFunctionBuildsOnlyWhatItNeeds(t *testing.T) {
	st := storetest.New(t)
	cfg := testConfig(t, map[string]string{"GEMINI_API_KEY": "k", "TORALE_AGENT_URL": "http://127.0.0.1:1"})
	build := func(f Function) *Platform {
		t.Helper()
		// Pub/Sub stands in: nothing is subscribed, so only the function's own parts are built.
		p, err := New(Deps{Config: cfg, Store: st, Publisher: discard{}, Functions: []Function{f}, Log: logging.Discard()})
		require.NoError(t, err)
		return p
	}
	api := build(FunctionAPI)
	require.NotNil(t, api.API)
	require.NotNil(t, api.Reconciler, "admins reconcile through the API")
	require.Nil(t, api.Runner)
	require.Nil(t, api.Notifier)
	require.Nil(t, api.Agent, "previews call the agent function; no model client here")

	run := build(FunctionRunTask)
	require.NotNil(t, run.Gate)
	require.NotNil(t, run.Runner)
	require.Nil(t, run.API)
	require.Nil(t, run.Sweeper)
	require.Nil(t, run.Agent)

	n := build(FunctionNotify)
	require.NotNil(t, n.Notifier)
	require.Nil(t, n.Runner)
	require.Nil(t, n.API)
	require.Nil(t, n.Reconciler)

	tick := build(FunctionTick)
	require.NotNil(t, tick.Sweeper)
	require.NotNil(t, tick.Reconciler)
	require.Nil(t, tick.Runner)
	require.Nil(t, tick.API)

	// The agent function needs no database at all.
	a, err := New(Deps{Config: cfg, Functions: []Function{FunctionAgent}, Log: logging.Discard()})
	require.NoError(t, err)
	require.NotNil(t, a.Agent)
	require.Nil(t, a.Runner)
	require.Nil(t, a.API)
	status, err := a.Health(context.Background())
	require.NoError(t, err)
	require.Nil(t, status, "no schema to report")
}

// Without Pub/Sub a process consumes what it publishes, so it builds the pipeline's consumers.
func TestInProcessMessagesNeedTheirConsumers(t *testing.T) {
	p := partsFor([]Function{FunctionAPI}, true)
	require.True(t, p.runner && p.notifier && p.caller)
	require.False(t, partsFor([]Function{FunctionAgent}, true).store, "the agent publishes nothing")
	require.False(t, partsFor([]Function{FunctionAPI}, false).runner)
	all := partsFor(AllFunctions(), false)
	require.Equal(t, parts{store: true, publisher: true, jobs: true, caller: true, decider: true, api: true,
		runner: true, notifier: true, sweeper: true, reconciler: true}, all)
}

// The notify and agent services make no Pub/Sub or Cloud Scheduler client, even when both are
// configured.
func TestServicesConnectOnlyToWhatTheirFunctionCalls(t *testing.T) {
	cfg := testConfig(t, map[string]string{"TORALE_PUBSUB_PROJECT": "proj", "TORALE_SCHEDULER": "cloudscheduler",
		"TORALE_SCHEDULER_LOCATION": "europe-west1"})
	for _, f := range []Function{FunctionNotify, FunctionAgent} {
		var d Deps
		closeAll, err := Cloud{Config: cfg, Log: logging.Discard()}.connect(context.Background(), needs(f), &d)
		require.NoError(t, err)
		closeAll()
		require.Nil(t, d.Publisher, f)
		require.Nil(t, d.Jobs, f)
		require.Nil(t, d.Bus, f)
	}
}

func TestParseFunction(t *testing.T) {
	fns, err := ParseFunction("")
	require.NoError(t, err)
	require.Equal(t, AllFunctions(), fns)
	fns, err = ParseFunction("tick")
	require.NoError(t, err)
	require.Equal(t, []Function{FunctionTick}, fns)
	_, err = ParseFunction("healthz")
	require.ErrorContains(t, err, `FUNCTION_TARGET "healthz"`)
}

// The routing of the Functions Framework: a target answers every path, with GET /healthz (and
// /health, for checks from outside Cloud Run) beside it; without one each function answers at /<name>, with /healthz beside. A request's context
// ends at its function's timeout.
func TestRouterRoutesLikeTheFunctionsFramework(t *testing.T) {
	p := &Platform{now: time.Now}
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			dl, ok := r.Context().Deadline()
			require.True(t, ok)
			require.WithinDuration(t, time.Now().Add(time.Minute), dl, 5*time.Second)
			_, _ = io.WriteString(w, name)
		})
	}
	fns := []served{{name: FunctionRunTask, handler: named("runtask"), timeout: time.Minute},
		{name: FunctionAgent, handler: named("agent"), timeout: time.Minute}}
	get := func(h http.Handler, method, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code, rec.Body.String()
	}

	target := p.router(fns[:1], true, logging.Discard())
	for _, path := range []string{"/", "/projects/p/topics/run-task", "/runtask"} {
		code, body := get(target, "POST", path)
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, "runtask", body, path)
	}
	for _, path := range []string{"/healthz", "/health"} {
		code, body := get(target, "GET", path)
		require.Equal(t, http.StatusOK, code, path)
		require.JSONEq(t, `{"status":"ok"}`, body, path)
		_, body = get(target, "POST", path)
		require.Equal(t, "runtask", body, "only GET %s is the health check", path)
	}

	all := p.router(fns, false, logging.Discard())
	_, body := get(all, "POST", "/runtask")
	require.Equal(t, "runtask", body)
	_, body = get(all, "POST", "/agent")
	require.Equal(t, "agent", body)
	for _, path := range []string{"/healthz", "/health"} {
		code, _ := get(all, "GET", path)
		require.Equal(t, http.StatusOK, code, path)
	}
	code, _ := get(all, "POST", "/nothing")
	require.Equal(t, http.StatusNotFound, code)
}

// discard stands in for Pub/Sub.
type discard struct{}

func (discard) Publish(context.Context, string, []byte) error { return nil }
