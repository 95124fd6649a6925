package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// A claimed fire is a pending execution at once, at the fire's own time, so the (task,
// scheduled_for) key and recovery see it; a task whose run is unfinished is not claimed again
// when its lease runs out, so one fire never becomes two executions.
func TestClaimRecordsEachFireOnce(t *testing.T) {
	b := setup(t)
	due := b.now.Add(-time.Minute)
	tk := b.task(t, b.user, due)

	claims, err := b.store.ClaimDueTasks(b.ctx, b.now, b.now.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claims, 1)
	require.Equal(t, tk.ID, claims[0].TaskID)
	require.Equal(t, b.user.ID, claims[0].UserID)
	require.Equal(t, due, claims[0].ScheduledFor.UTC(), "the fire's own time")
	list, err := b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1, "the claim recorded the fire")
	require.Equal(t, task.StatusPending, list[0].Status)
	require.Equal(t, task.TriggerSchedule, list[0].Trigger)
	require.Equal(t, due, list[0].ScheduledFor.UTC())
	pending, err := b.store.PendingRuns(b.ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1, "recovery sees the claimed fire")

	// The lease runs out with the run still owed (its trigger lost, or its attempt alive or
	// retrying): no second claim, no second execution.
	later := b.now.Add(2 * time.Minute)
	claims, err = b.store.ClaimDueTasks(b.ctx, later, later.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Empty(t, claims)
	_, err = b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &due,
		Now: later, Deadline: later.Add(time.Minute)})
	require.NoError(t, err, "the runner takes the claimed execution")
	claims, err = b.store.ClaimDueTasks(b.ctx, later, later.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Empty(t, claims)
	list, err = b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1, "one fire, one execution")
	require.Equal(t, task.StatusRunning, list[0].Status)
	require.Equal(t, 1, list[0].Attempt)
}

// A dead attempt is retried under the same execution while attempts remain, and fails on the
// last; a run begun before a sole runner's start is taken back whatever its deadline.
func TestReapRunsRetriesThenFails(t *testing.T) {
	b := setup(t)
	start := func(at time.Time) (task.Task, task.Execution) {
		tk := b.task(t, b.user, at)
		e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at,
			Now: at, Deadline: at.Add(time.Minute)})
		require.NoError(t, err)
		return tk, e
	}
	_, stuck := start(b.now)
	reap := store.Reap{Now: b.now, MaxAttempts: 2, RetryBy: b.now.Add(time.Hour)}
	got, err := b.store.ReapRuns(b.ctx, reap)
	require.NoError(t, err)
	require.Empty(t, got, "a run within its deadline is alive")

	reap.Now = b.now.Add(2 * time.Minute)
	got, err = b.store.ReapRuns(b.ctx, reap)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.True(t, got[0].Retry)
	require.Equal(t, stuck.ID, got[0].ExecutionID)
	require.Equal(t, b.now, got[0].ScheduledFor.UTC(), "retried under the same fire")
	retrying, err := b.store.GetExecution(b.ctx, b.user.ID, stuck.ID)
	require.NoError(t, err)
	require.Empty(t, retrying.SilenceReason, "a run that will be retried has not stayed silent yet")

	// The second (last) attempt dies too: failed, for good.
	again, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: stuck.TaskID,
		ScheduledFor: stuck.ScheduledFor, Now: reap.Now, Deadline: reap.Now.Add(time.Minute)})
	require.NoError(t, err)
	require.Equal(t, stuck.ID, again.ID)
	require.Equal(t, 2, again.Attempt)
	reap.Now = reap.Now.Add(2 * time.Minute)
	got, err = b.store.ReapRuns(b.ctx, reap)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.False(t, got[0].Retry)
	e, err := b.store.GetExecution(b.ctx, b.user.ID, stuck.ID)
	require.NoError(t, err)
	require.Equal(t, task.StatusFailed, e.Status)
	require.Equal(t, task.SilenceFailed, e.SilenceReason, "a reaped run that failed says so")

	// At a sole runner's start, a run begun before it is dead though inside its deadline.
	_, orphan := start(reap.Now)
	restart := reap.Now.Add(time.Second)
	got, err = b.store.ReapRuns(b.ctx, store.Reap{Now: restart, MaxAttempts: 2, RetryBy: restart.Add(time.Hour),
		StartedBefore: &restart})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, orphan.ID, got[0].ExecutionID)
	require.True(t, got[0].Retry)
}
