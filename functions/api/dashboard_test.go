package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// The tests in this file cover what the dashboard (issue 12) reads beyond the tasks
// themselves.

// costlyRun records a finished scheduled run of the task that cost costUSD.
func costlyRun(t testing.TB, s *store.Store, userID, taskID uuid.UUID, costUSD float64, status task.Status) task.Execution {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tk, err := s.GetTask(ctx, userID, taskID)
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: userID, TaskID: taskID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	o := store.Outcome{ExecutionID: e.ID, UserID: userID, TaskID: taskID, Attempt: 1, Now: now, Status: status,
		TaskVersion: tk.UpdatedAt, Usage: task.Usage{Model: "m", CostUSD: costUSD}}
	if status == task.StatusSuccess {
		o.Result = &task.Result{Evidence: "nothing new", Sources: []task.Source{}}
	} else {
		o.Error, o.Category = "the search failed", task.CategorySystem
	}
	_, err = s.FinishExecution(ctx, o)
	require.NoError(t, err)
	return e
}

func TestEveryTaskViewCarriesTheMonthsSpend(t *testing.T) {
	b := setup(t)
	spent := b.create(t, "alice", "a watch that ran")
	idle := b.create(t, "alice", "a watch that never ran")
	me := b.do(t, "alice", "GET", "/api/v1/me", "")
	uid := uuid.MustParse(me.body["id"].(string))
	costlyRun(t, b.store, uid, uuid.MustParse(spent), 0.25, task.StatusSuccess)
	costlyRun(t, b.store, uid, uuid.MustParse(spent), 0.5, task.StatusFailed) // failed runs cost too

	list := b.do(t, "alice", "GET", "/api/v1/tasks", "")
	require.Equal(t, http.StatusOK, list.status, list.body)
	got := map[string]any{}
	for _, d := range list.body["data"].([]any) {
		v := d.(map[string]any)
		got[v["id"].(string)] = v["month_spend_usd"]
	}
	require.Equal(t, map[string]any{spent: 0.75, idle: 0.0}, got)

	// A page boundary does not lose a task's spend, and every single-task answer carries it.
	first := b.do(t, "alice", "GET", "/api/v1/tasks?limit=1", "")
	require.Len(t, first.body["data"], 1)
	require.Equal(t, 0.0, first.body["data"].([]any)[0].(map[string]any)["month_spend_usd"])
	require.InDelta(t, 0.75, b.do(t, "alice", "GET", "/api/v1/tasks/"+spent, "").body["month_spend_usd"], 1e-9)
	require.InDelta(t, 0.75, b.do(t, "alice", "POST", "/api/v1/tasks/"+spent+"/pause", "").body["month_spend_usd"], 1e-9)
	created := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a brand new watch"}`)
	require.Equal(t, 0.0, created.body["month_spend_usd"])
}

func TestEveryTaskViewSaysWhyItsNextRunIsThen(t *testing.T) {
	b := setup(t)
	reason := func(r response) (string, string) {
		t.Helper()
		v := r.body["next_run_reason"].(map[string]any)
		return v["kind"].(string), v["summary"].(string)
	}
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a new watch"}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	kind, summary := reason(r)
	require.Equal(t, "first_run", kind)
	require.Equal(t, "A new task runs right away.", summary)
	id := r.body["id"].(string)

	r = b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a weekly watch","schedule":"0 9 * * 1","timezone":"Europe/London","run_immediately":false}`)
	kind, summary = reason(r)
	require.Equal(t, "schedule", kind)
	require.Equal(t, "By its schedule: every Monday at 09:00 (Europe/London).", summary)
	weekly := r.body["id"].(string)
	r = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+weekly, `{"schedule":"0 9 1,15 * *"}`)
	_, summary = reason(r)
	require.Equal(t, "By its schedule: 0 9 1,15 * * in Europe/London.", summary)

	kind, summary = reason(b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/pause", ""))
	require.Equal(t, "none", kind)
	require.Contains(t, summary, "Paused")
	kind, summary = reason(b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/resume", ""))
	require.Equal(t, "first_run", kind)
	require.Equal(t, "It was made active again, so it runs right away.", summary)

	// A run whose agent chose the next time: the list says so too.
	uid := uuid.MustParse(b.do(t, "alice", "GET", "/api/v1/me", "").body["id"].(string))
	tk, err := b.store.GetTask(context.Background(), uid, uuid.MustParse(id))
	require.NoError(t, err)
	now := time.Now()
	e, err := b.store.StartExecution(context.Background(), store.StartRun{UserID: uid, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	next := now.Add(6 * time.Hour)
	_, err = b.store.FinishExecution(context.Background(), store.Outcome{ExecutionID: e.ID, UserID: uid, TaskID: tk.ID, Attempt: 1,
		Now: now, Status: task.StatusSuccess, Result: &task.Result{Evidence: "soon", NextRun: &next, Sources: []task.Source{}},
		NextRunAt: &next, NextRunCause: task.CauseAgent, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	for _, d := range b.do(t, "alice", "GET", "/api/v1/tasks", "").body["data"].([]any) {
		v := d.(map[string]any)
		if v["id"] == id {
			require.Equal(t, map[string]any{"kind": "agent", "summary": "The agent chose this time after the last run."}, v["next_run_reason"])
		}
	}
}
