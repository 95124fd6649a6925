package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func TestTaskMemory(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	require.NoError(t, b.store.AddTaskMemory(b.ctx, b.user.ID, tk.ID, nil,
		[]string{"iPhone 18 ships on 18 September.", "  ", "iPhone 18 ships on 18 September."}, b.now))
	require.NoError(t, b.store.AddTaskMemory(b.ctx, b.user.ID, tk.ID, nil,
		[]string{"iPhone 18 ships on 18 September.", "Preorders open on 11 September."}, b.now.Add(time.Minute)))

	facts, err := b.store.TaskMemory(b.ctx, b.user.ID, tk.ID, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"Preorders open on 11 September.", "iPhone 18 ships on 18 September."}, facts,
		"newest first, each fact once")

	long := strings.Repeat("é", 5000)
	require.NoError(t, b.store.AddTaskMemory(b.ctx, b.user.ID, tk.ID, nil, []string{long}, b.now.Add(2*time.Minute)))
	facts, err = b.store.TaskMemory(b.ctx, b.user.ID, tk.ID, 1)
	require.NoError(t, err)
	require.Equal(t, 4000, len([]rune(facts[0])), "a fact is cut to the column's limit")
}

func TestTaskMemoryIsIsolatedByUser(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	require.NoError(t, b.store.AddTaskMemory(b.ctx, b.user.ID, tk.ID, nil, []string{"secret fact"}, b.now))
	_, err := b.store.TaskMemory(b.ctx, b.other.ID, tk.ID, 10)
	require.ErrorIs(t, err, store.ErrNotFound)
	err = b.store.AddTaskMemory(b.ctx, b.other.ID, tk.ID, nil, []string{"planted"}, b.now)
	require.ErrorIs(t, err, store.ErrNotFound)
	facts, err := b.store.TaskMemory(b.ctx, b.user.ID, tk.ID, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"secret fact"}, facts)
}

func TestTaskMemoryKeepsTheNewest(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	for i := range 205 {
		require.NoError(t, b.store.AddTaskMemory(b.ctx, b.user.ID, tk.ID, nil, []string{fmt.Sprint("fact ", i)},
			b.now.Add(time.Duration(i)*time.Second)))
	}
	facts, err := b.store.TaskMemory(b.ctx, b.user.ID, tk.ID, 1000)
	require.NoError(t, err)
	require.Len(t, facts, 200)
	require.Equal(t, "fact 204", facts[0])
	require.Equal(t, "fact 5", facts[199])
}

func TestMonthSpend(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	for i, cost := range []float64{0.0145, 0.0021} {
		at := b.now.Add(time.Duration(-i-1) * time.Minute)
		e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at,
			Now: b.now, Deadline: b.now.Add(time.Hour)})
		require.NoError(t, err)
		status := task.StatusSuccess
		if i == 1 {
			status = task.StatusFailed // failed attempts cost money too
		}
		_, err = b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
			Attempt: e.Attempt, Now: b.now, Status: status, Result: &task.Result{Evidence: "x"}, TaskVersion: tk.UpdatedAt,
			Usage: task.Usage{Model: "gemini-3.5-flash-lite", PromptTokens: 1000, OutputTokens: 100, SearchQueries: 1, CostUSD: cost}})
		require.NoError(t, err)
	}
	other := b.task(t, b.user, b.now)
	spend, err := b.store.MonthSpends(b.ctx, b.user.ID, []uuid.UUID{tk.ID, other.ID}, time.Now())
	require.NoError(t, err)
	require.InDelta(t, 0.0166, spend[tk.ID], 1e-9)
	v, ok := spend[other.ID]
	require.True(t, ok, "a task without runs has an entry")
	require.Zero(t, v)

	spend, err = b.store.MonthSpends(b.ctx, b.user.ID, []uuid.UUID{tk.ID}, time.Now().AddDate(0, 2, 0))
	require.NoError(t, err)
	require.Zero(t, spend[tk.ID], "another month spent nothing")

	spend, err = b.store.MonthSpends(b.ctx, b.other.ID, []uuid.UUID{tk.ID}, time.Now())
	require.NoError(t, err)
	require.Zero(t, spend[tk.ID], "another user's task shows none of its spend")
	views := requireViewsMatch(t, b.store, b.user.ID, time.Now())
	require.NotNil(t, views[1].Last, "the older task's latest run is in its view")
}

// The month's spend is kept as running totals (000022): a run counts once however many paid
// attempts it takes, failed attempts cost too, a total from an earlier month reads as 0 and the
// month's first paid run restarts it; the task's and the user's totals agree with every reader.
func TestSpendTotalsRestartEachMonth(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	other := b.task(t, b.user, b.now)
	finish := func(tk task.Task, at time.Time, now time.Time, costs ...float64) {
		t.Helper()
		e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at,
			Now: now, Deadline: now.Add(time.Hour)})
		require.NoError(t, err)
		for i, cost := range costs {
			status := task.StatusSuccess
			var retryBy *time.Time
			if i < len(costs)-1 {
				status, retryBy = task.StatusRetrying, &now
			}
			_, err = b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
				Attempt: e.Attempt, Now: now, Status: status, Result: &task.Result{Evidence: "x"}, TaskVersion: tk.UpdatedAt,
				RetryBy: retryBy, Usage: task.Usage{CostUSD: cost}})
			require.NoError(t, err)
			if i < len(costs)-1 {
				e, err = b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ExecutionID: &e.ID,
					Now: now, Deadline: now.Add(time.Hour)})
				require.NoError(t, err)
			}
		}
	}
	month := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	finish(tk, month, month, 0.01, 0.02)               // one run, two paid attempts
	finish(tk, month.Add(time.Hour), month, 0.0050005) // stored rounded up, to 0.005001: still paid once
	finish(tk, month.Add(2*time.Hour), month)          // a run that cost nothing
	finish(other, month, month, 0.1)

	// The gate's read before a run carries the same figures the spend check would read.
	gateReads := func(now time.Time) store.TaskUsage {
		t.Helper()
		got, _, err := b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, nil, nil, now)
		require.NoError(t, err)
		return got.RunReads.Spend
	}
	u, err := b.store.TaskMonthUsage(b.ctx, b.user.ID, tk.ID, month)
	require.NoError(t, err)
	require.Equal(t, u, gateReads(month))
	require.InDelta(t, 0.0350005, u.SpentUSD, 1e-9)
	require.Equal(t, 2, u.PaidRuns, "a run counts once, a free run not at all")
	require.InDelta(t, 0.1350005, u.UserSpentUSD, 1e-9)
	spent, _, err := b.store.UserMonthSpend(b.ctx, b.user.ID, month)
	require.NoError(t, err)
	require.InDelta(t, 0.1350005, spent, 1e-9)

	next := month.AddDate(0, 1, 0)
	u, err = b.store.TaskMonthUsage(b.ctx, b.user.ID, tk.ID, next)
	require.NoError(t, err)
	require.Equal(t, store.TaskUsage{}, u, "last month's totals read as nothing spent")
	require.Equal(t, u, gateReads(next))
	finish(tk, next, next, 0.003)
	u, err = b.store.TaskMonthUsage(b.ctx, b.user.ID, tk.ID, next)
	require.NoError(t, err)
	require.InDelta(t, 0.003, u.SpentUSD, 1e-9)
	require.Equal(t, 1, u.PaidRuns)
	require.InDelta(t, 0.003, u.UserSpentUSD, 1e-9, "the user's total restarted too")
	capUSD := 2.5
	require.NoError(t, b.store.SetUserSpendCap(b.ctx, b.user.ID, &capUSD))
	u, err = b.store.TaskMonthUsage(b.ctx, b.user.ID, tk.ID, next)
	require.NoError(t, err)
	require.Equal(t, 2.5, *u.UserCapUSD)
	require.Equal(t, u, gateReads(next), "the user's own cap too")
	spend, err := b.store.MonthSpends(b.ctx, b.user.ID, []uuid.UUID{tk.ID, other.ID}, next)
	require.NoError(t, err)
	require.InDelta(t, 0.003, spend[tk.ID], 1e-9)
	require.Zero(t, spend[other.ID], "the other task has not run this month")
	views, err := b.store.ListTaskViews(b.ctx, b.user.ID, store.TaskFilter{Limit: 10}, next)
	require.NoError(t, err)
	for _, v := range views {
		require.InDelta(t, spend[v.Task.ID], v.MonthSpendUSD, 1e-9, "the list reads the same totals")
	}
	_, err = b.store.TaskMonthUsage(b.ctx, uuid.New(), tk.ID, next)
	require.ErrorIs(t, err, store.ErrNotFound, "no such user")
}
