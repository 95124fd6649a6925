package platform_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// ExpireRuns (the tick's retention step) deletes a run older than TORALE_EXECUTION_RETENTION,
// a year by default, and nothing when it is 0.
func TestExpireRunsFollowsTheConfiguredRetention(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t)
	st := storetest.Open(t, url)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:keeper"})
	require.NoError(t, err)
	now := time.Now()
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Old", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: atTime(now.Add(time.Hour))})
	require.NoError(t, err)
	for _, age := range []time.Duration{400 * 24 * time.Hour, time.Hour} {
		at := now.Add(-age)
		e, err := st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Minute)})
		require.NoError(t, err)
		_, err = st.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: at,
			Status: task.StatusSuccess, Result: &task.Result{}})
		require.NoError(t, err)
		_, err = conn.Exec(ctx, `UPDATE executions SET created_at = $1 WHERE id = $2`, at, e.ID)
		require.NoError(t, err)
	}
	expire := func(retention string) int {
		cfg, err := config.FromEnv(func(k string) string {
			if k == "TORALE_EXECUTION_RETENTION" {
				return retention
			}
			return ""
		})
		require.NoError(t, err)
		bus := event.NewBus(logging.Discard(), event.BusOptions{})
		defer bus.Close(ctx)
		p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: logging.Discard()})
		require.NoError(t, err)
		n, err := p.ExpireRuns(ctx)
		require.NoError(t, err)
		return n
	}
	require.Zero(t, expire("0"), "0 keeps every run")
	require.Equal(t, 1, expire(""), "the default year expires the 400-day-old run")
	require.Zero(t, expire(""), "the latest run stays")
}

// The same pass deletes the findings no run has seen for TORALE_FINDINGS_RETENTION (30 days by
// default), and none when it is 0, whatever the runs' retention.
func TestExpireRunsDeletesUnseenFindings(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t)
	st := storetest.Open(t, url)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:finder"})
	require.NoError(t, err)
	now := time.Now()
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Pages", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: atTime(now.Add(time.Hour))})
	require.NoError(t, err)
	for i, age := range []time.Duration{40 * 24 * time.Hour, time.Hour} {
		at := now.Add(-age)
		e, err := st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Minute)})
		require.NoError(t, err)
		_, err = st.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: at,
			Status: task.StatusSuccess, Result: &task.Result{},
			Findings: []task.Finding{{Kind: "report", Text: "report " + string(rune('a'+i))}}})
		require.NoError(t, err)
	}
	count := func() int {
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM findings`).Scan(&n))
		return n
	}
	expire := func(retention string) {
		cfg, err := config.FromEnv(func(k string) string {
			if k == "TORALE_FINDINGS_RETENTION" {
				return retention
			}
			return ""
		})
		require.NoError(t, err)
		bus := event.NewBus(logging.Discard(), event.BusOptions{})
		defer bus.Close(ctx)
		p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: logging.Discard()})
		require.NoError(t, err)
		_, err = p.ExpireRuns(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, 2, count())
	expire("0")
	require.Equal(t, 2, count(), "0 keeps the findings")
	expire("")
	require.Equal(t, 1, count(), "the 40-day-old run's findings expire after the default 30 days")
}
