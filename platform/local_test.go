package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/platform/platformtest"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// startLocal runs the whole platform in-process on a fresh database and returns its URL.
func startLocal(t *testing.T, a agent.Agent) (string, string) {
	t.Helper()
	dbURL := storetest.URL(t)
	cfg, err := config.FromEnv(func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	require.NoError(t, err)
	return runLocal(t, cfg, a), dbURL
}

// runLocal runs the whole platform in-process with cfg (and agent a, when not nil, in place of
// the configured one) until the test ends, and returns its base URL.
func runLocal(t *testing.T, cfg config.Config, a agent.Agent) string {
	t.Helper()
	return runLocalWith(t, cfg, a, func(*platform.Local) {})
}

// runLocalWith is runLocal with edit applied to the platform before it starts.
func runLocalWith(t *testing.T, cfg config.Config, a agent.Agent, edit func(*platform.Local)) string {
	t.Helper()
	l := platform.Local{Config: cfg, Agent: a, Tick: 50 * time.Millisecond}
	edit(&l)
	return platformtest.RunLocal(t, l)
}

func call(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		require.NoError(t, json.NewEncoder(&buf).Encode(body))
	}
	req, err := http.NewRequest(method, url, &buf)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if out != nil {
		require.NoError(t, json.NewDecoder(res.Body).Decode(out))
	}
	return res.StatusCode
}

type taskJSON struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	State         string              `json:"state"`
	NextRunAt     *time.Time          `json:"next_run_at"`
	LastRunAt     *time.Time          `json:"last_run_at"`
	LastExecution *contract.Execution `json:"last_execution"`
}

type executionsJSON struct {
	Data []contract.Execution `json:"data"`
}

// waitForExecution polls the task's executions until one is final.
func waitForExecution(t *testing.T, base, taskID string) contract.Execution {
	t.Helper()
	var got executionsJSON
	require.Eventually(t, func() bool {
		got = executionsJSON{}
		call(t, "GET", base+"/api/v1/tasks/"+taskID+"/executions", nil, &got)
		return len(got.Data) > 0 && got.Data[0].Status.Final()
	}, 20*time.Second, 20*time.Millisecond)
	return got.Data[0]
}

func TestLocalRunsTaskEndToEnd(t *testing.T) {
	notification := "Apple announced the iPhone 18 release date: September 18."
	next := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{
		Evidence: "Apple's newsroom lists the date.", Confidence: 92, Notification: &notification,
		Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"}},
		NextRun: &next, Topic: "iPhone 18 release date",
	}, Usage: task.Usage{Model: "fake", PromptTokens: 10, OutputTokens: 5}}})
	base, dbURL := startLocal(t, fake)
	verifyEmail(t, base, "me@example.com") // mail goes only to verified addresses

	var created taskJSON
	status := call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query":    "When will Apple announce the next iPhone release date?",
		"schedule":        "0 9 * * *",
		"timezone":        "Europe/London",
		"notify_behavior": "always",
		"notifications":   []map[string]string{{"type": "email", "address": "me@example.com"}},
	}, &created)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, "active", created.State)
	require.NotNil(t, created.NextRunAt)

	exec := waitForExecution(t, base, created.ID)
	require.Equal(t, task.StatusSuccess, exec.Status)
	require.Equal(t, task.TriggerSchedule, exec.Trigger)
	require.Equal(t, 92, exec.Result.Confidence)
	require.Equal(t, "fake", exec.Usage.Model)
	require.Equal(t, 1, fake.Calls(), "the task runs once, not once per sweep")

	var after taskJSON
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/tasks/"+created.ID, nil, &after))
	require.Equal(t, "active", after.State, "notify always keeps the task active")
	require.Equal(t, "iPhone 18 release date", after.Name, "a derived name takes the agent's topic")
	require.NotNil(t, after.LastExecution)
	require.Equal(t, exec.ID, after.LastExecution.ID)
	require.WithinDuration(t, next, *after.NextRunAt, time.Second, "the agent's proposed next run is kept")

	// The outbox row was written with the result and the local mailbox delivered it.
	db, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer db.Close(context.Background())
	require.Eventually(t, func() bool {
		var target, status string
		var n int
		err := db.QueryRow(context.Background(), `SELECT count(*) OVER (), target, status
			FROM notification_deliveries WHERE execution_id = $1`, exec.ID).Scan(&n, &target, &status)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, "me@example.com", target)
		return status == string(task.DeliveryDelivered)
	}, 10*time.Second, 20*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 1, fake.Calls(), "the task is not due again")
}

func TestLocalUnconfiguredAgentFailsClearly(t *testing.T) {
	base, _ := startLocal(t, nil)
	var created taskJSON
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks",
		map[string]any{"search_query": "next iPhone release date"}, &created))
	exec := waitForExecution(t, base, created.ID)
	require.Equal(t, task.StatusFailed, exec.Status)
	require.Equal(t, agent.ErrUnconfigured, exec.Error)
	require.Equal(t, task.CategorySystem, exec.ErrorCategory)

	var after taskJSON
	call(t, "GET", base+"/api/v1/tasks/"+created.ID, nil, &after)
	require.Equal(t, "active", after.State, "a failed run keeps the task's schedule")
	require.True(t, after.NextRunAt.After(time.Now().Add(23*time.Hour)), "no cron: next run in 24 h, got %v", after.NextRunAt)

	// Run now works on the same task and is listed too.
	var manual contract.Execution
	require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/tasks/"+created.ID+"/run", nil, &manual))
	require.Equal(t, task.TriggerManual, manual.Trigger)
	require.Eventually(t, func() bool {
		var e contract.Execution
		call(t, "GET", fmt.Sprintf("%s/api/v1/executions/%s", base, manual.ID), nil, &e)
		return e.Status == task.StatusFailed && e.Error == agent.ErrUnconfigured
	}, 10*time.Second, 20*time.Millisecond)
}

func TestLocalNotifyOnceCompletesTask(t *testing.T) {
	note := "It happened."
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{
		Evidence: "Found it.", Confidence: 80, Notification: &note,
		Sources: []task.Source{{URL: "https://example.com/a", Title: "A"}}}}})
	base, _ := startLocal(t, fake)
	var created taskJSON
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks",
		map[string]any{"search_query": "Tell me when it happens", "name": "My watch"}, &created))
	waitForExecution(t, base, created.ID)
	var after taskJSON
	call(t, "GET", base+"/api/v1/tasks/"+created.ID, nil, &after)
	require.Equal(t, "completed", after.State)
	require.Equal(t, "My watch", after.Name, "a name the user chose is kept")
}

func TestLocalRefusesNonLoopback(t *testing.T) {
	err := platform.Local{Addr: "0.0.0.0:8080", Log: logging.Discard()}.Run(context.Background())
	require.ErrorIs(t, err, platform.ErrNotLoopback)
}
