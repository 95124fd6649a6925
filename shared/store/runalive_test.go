package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// The gate's one read answers as GetTask does, and says whether the run the message names is
// running within its deadline.
func TestGetTaskRunAliveReadsBoth(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	at := b.now
	e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at, Now: b.now,
		Deadline: b.now.Add(time.Minute)})
	require.NoError(t, err)
	want, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	want.RunReads = &task.RunReads{Recent: []task.Result{}, Facts: []string{}, OpenAlertCauses: []task.AlertCause{}} // read: no result, fact, spend or open alert yet
	other := at.Add(time.Hour)
	stray := uuid.New()
	for _, c := range []struct {
		name      string
		execution *uuid.UUID
		fire      *time.Time
		now       time.Time
		alive     bool
	}{
		{"the fire, running", nil, &at, b.now, true},
		{"the execution, running", &e.ID, nil, b.now, true},
		{"another fire", nil, &other, b.now, false},
		{"another execution", &stray, nil, b.now, false},
		{"past its deadline", nil, &at, b.now.Add(2 * time.Minute), false},
	} {
		got, alive, err := b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, c.execution, c.fire, c.now)
		require.NoError(t, err)
		require.Equal(t, c.alive, alive, c.name)
		require.Equal(t, want, got, c.name)
	}
	_, _, err = b.store.GetTaskRunAlive(b.ctx, b.other.ID, tk.ID, nil, &at, b.now)
	require.ErrorIs(t, err, store.ErrNotFound, "another user's task")

	// The causes of the task's open alerts come with it (the run's end skips its probe when
	// none is open), and a resolved one is gone.
	for _, c := range []task.AlertCause{task.AlertFailing, task.AlertOverdue} {
		_, _, opened, err := b.store.OpenAlert(b.ctx, store.NewAlert{UserID: b.user.ID, TaskID: tk.ID, Cause: c,
			Message: "m", Advice: "a", Now: b.now})
		require.NoError(t, err)
		require.True(t, opened)
	}
	got, _, err := b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, nil, &at, b.now)
	require.NoError(t, err)
	require.ElementsMatch(t, []task.AlertCause{task.AlertFailing, task.AlertOverdue}, got.RunReads.OpenAlertCauses)
	_, _, err = b.store.ResolveAlerts(b.ctx, b.user.ID, tk.ID, []task.AlertCause{task.AlertFailing}, b.now, nil)
	require.NoError(t, err)
	got, _, err = b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, nil, &at, b.now)
	require.NoError(t, err)
	require.Equal(t, []task.AlertCause{task.AlertOverdue}, got.RunReads.OpenAlertCauses)
}

// The gate's read carries the task's last successful results, newest first, as RecentResults
// reads them: a failed run and another task's are not among them, and there are at most
// task.RecentResultsRead.
func TestGetTaskRunAliveReadsRecentResults(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	other := b.task(t, b.user, b.now)
	run := func(tk task.Task, i int, status task.Status) {
		t.Helper()
		at, now := b.now.Add(time.Duration(i)*time.Hour), b.now.Add(time.Duration(i)*time.Minute)
		e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at,
			Now: now, Deadline: now.Add(time.Hour)})
		require.NoError(t, err)
		o := store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID, Attempt: e.Attempt, Now: now,
			Status: status, TaskVersion: tk.UpdatedAt}
		if status == task.StatusSuccess {
			o.Result = &task.Result{Evidence: fmt.Sprintf("run %d", i), Confidence: i}
		} else {
			o.Error = "failed"
		}
		_, err = b.store.FinishExecution(b.ctx, o)
		require.NoError(t, err)
	}
	for i := range 7 {
		run(tk, i, task.StatusSuccess)
	}
	run(tk, 7, task.StatusFailed)
	run(other, 8, task.StatusSuccess)

	got, _, err := b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, nil, nil, b.now)
	require.NoError(t, err)
	want, err := b.store.RecentResults(b.ctx, b.user.ID, tk.ID, task.RecentResultsRead)
	require.NoError(t, err)
	require.Len(t, want, task.RecentResultsRead)
	require.Equal(t, "run 6", want[0].Evidence, "newest first")
	require.Equal(t, want, got.RunReads.Recent)
}

// NextDue is the earliest next run of an active task, of any user; a paused task's is not one.
func TestNextDueIsTheEarliestActiveTask(t *testing.T) {
	b := setup(t)
	_, ok, err := b.store.NextDue(b.ctx)
	require.NoError(t, err)
	require.False(t, ok, "no task")
	soon := b.now.Add(time.Minute)
	_, err = b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Paused", SearchQuery: "iphone release",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StatePaused, NextRunAt: &soon})
	require.NoError(t, err)
	_, ok, err = b.store.NextDue(b.ctx)
	require.NoError(t, err)
	require.False(t, ok, "a paused task is never due")
	b.task(t, b.user, b.now.Add(time.Hour))
	b.task(t, b.other, b.now.Add(2*time.Minute))
	at, ok, err := b.store.NextDue(b.ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, b.now.Add(2*time.Minute).Equal(at), "got %s", at)
}
