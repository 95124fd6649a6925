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
