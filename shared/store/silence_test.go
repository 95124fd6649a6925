package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// The summary counts a task's last 50 finished runs: notified ones are runs but not silent,
// runs from before reasons were are silent without one, and unfinished runs, older runs and
// other users' tasks are not counted.
func TestSilenceSummariesCountTheLastFiftyRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:silence"})
	require.NoError(t, err)
	other, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:other"})
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Second)
	newTask := func(user store.User) task.Task {
		tk, err := s.CreateTask(ctx, store.NewTask{UserID: user.ID, Name: "w", SearchQuery: "next iPhone release date", ConditionDescription: "c",
			Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &now})
		require.NoError(t, err)
		return tk
	}
	tk, quiet, theirs := newTask(u), newTask(u), newTask(other)
	n := 0
	// run records one run of tk, like the runner: notified when note is set.
	run := func(tk task.Task, status task.Status, reason task.SilenceReason, note string) task.Execution {
		n++
		at := now.Add(time.Duration(n) * time.Minute)
		e, err := s.StartExecution(ctx, store.StartRun{UserID: tk.UserID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Minute)})
		require.NoError(t, err)
		_, err = conn.Exec(ctx, `UPDATE executions SET created_at = $2 WHERE id = $1`, e.ID, at)
		require.NoError(t, err)
		o := store.Outcome{ExecutionID: e.ID, UserID: tk.UserID, TaskID: tk.ID, Attempt: 1, Now: at, Status: status,
			SilenceReason: reason, Result: &task.Result{Evidence: "e"}}
		if note != "" {
			o.Result.Notification = &note
		}
		if status == task.StatusFailed {
			o.Result, o.Error, o.Category = nil, "broke", task.CategoryAgent
		}
		_, err = s.FinishExecution(ctx, o)
		require.NoError(t, err)
		got, err := s.GetExecution(ctx, tk.UserID, e.ID)
		require.NoError(t, err)
		return got
	}
	for range 5 { // older than the last 50
		require.Equal(t, task.SilenceFailed, run(tk, task.StatusFailed, "", "").SilenceReason)
	}
	for range 30 {
		require.Equal(t, task.SilenceNothingNew, run(tk, task.StatusSuccess, task.SilenceNothingNew, "").SilenceReason)
	}
	for range 10 {
		require.Empty(t, run(tk, task.StatusSuccess, task.SilenceNothingNew, "news").SilenceReason, "a run that notified has no reason")
	}
	for range 8 {
		run(tk, task.StatusSuccess, task.SilenceLowConfidence, "")
	}
	require.Equal(t, task.SilenceFailed, run(tk, task.StatusFailed, task.SilenceNothingNew, "").SilenceReason, "a failed run is failed")
	require.Equal(t, task.SilenceNothingNew, run(tk, task.StatusSuccess, "", "").SilenceReason, "an agent that gave no reason found nothing new")
	old := run(tk, task.StatusSuccess, task.SilenceLowConfidence, "")
	_, err = conn.Exec(ctx, `UPDATE executions SET silence_reason = NULL WHERE id = $1`, old.ID) // recorded before reasons were
	require.NoError(t, err)
	at := now.Add(time.Hour * 24)
	_, err = s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Minute)})
	require.NoError(t, err, "a running run is not counted")
	run(theirs, task.StatusSuccess, task.SilenceNothingNew, "")

	sums, err := s.SilenceSummaries(ctx, u.ID, []uuid.UUID{tk.ID, quiet.ID, theirs.ID})
	require.NoError(t, err)
	want := task.SilenceSummary{Runs: 50, Silent: 40, ByReason: map[task.SilenceReason]int{
		task.SilenceNothingNew: 30, task.SilenceLowConfidence: 8, task.SilenceFailed: 1}}
	require.Equal(t, want, sums[tk.ID])
	require.Equal(t, "40 silent runs: 30 nothing new, 8 low confidence, 1 failed", sums[tk.ID].Sentence())
	empty := task.SilenceSummary{ByReason: map[task.SilenceReason]int{}}
	require.Equal(t, empty, sums[quiet.ID], "a task without runs has an empty summary")
	require.Empty(t, sums[quiet.ID].Sentence())
	require.Equal(t, empty, sums[theirs.ID], "another user's task is not counted")
	requireViewsMatch(t, s, u.ID, now)
}
