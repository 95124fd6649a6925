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

func TestRetentionDeletesOldQuietRunsInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Second)
	b := testBundle{ctx: ctx, store: s, user: u, now: now}

	// run makes a run of tk at the given age, finished with status unless it is running, and
	// dates its creation back to when it ran.
	run := func(tk task.Task, age time.Duration, status task.Status, notification string) uuid.UUID {
		at := now.Add(-age)
		e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Hour)})
		require.NoError(t, err)
		if status != task.StatusRunning {
			o := store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: at, Status: status, Result: &task.Result{}}
			if notification != "" {
				o.Result.Notification, o.Notify = &notification, tk.Notifications
			}
			_, err = s.FinishExecution(ctx, o)
			require.NoError(t, err)
		}
		_, err = conn.Exec(ctx, `UPDATE executions SET created_at = $1 WHERE id = $2`, at, e.ID)
		require.NoError(t, err)
		return e.ID
	}
	day := 24 * time.Hour
	busy := b.task(t, u, now)
	oldest := run(busy, 5*day, task.StatusSuccess, "")
	failed := run(busy, 4*day, task.StatusFailed, "")
	notified := run(busy, 3*day, task.StatusSuccess, "It launched.")
	running := run(busy, 3*day+time.Hour, task.StatusRunning, "")
	recent := run(busy, time.Hour, task.StatusSuccess, "")
	// A task whose only run is old keeps it, even when the task no longer points at it.
	lone := b.task(t, u, now)
	only := run(lone, 6*day, task.StatusSuccess, "")
	_, err = conn.Exec(ctx, `UPDATE tasks SET last_execution_id = NULL WHERE id = $1`, lone.ID)
	require.NoError(t, err)

	left := func() map[uuid.UUID]bool {
		rows, err := conn.Query(ctx, `SELECT id FROM executions`)
		require.NoError(t, err)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		require.NoError(t, err)
		m := map[uuid.UUID]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	var deliveries int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM notification_deliveries WHERE execution_id = $1`, notified).Scan(&deliveries))
	require.Positive(t, deliveries, "the notified run has its deliveries")

	// One batch of one deletes the oldest quiet run only.
	n, err := s.DeleteExpiredRuns(ctx, now.Add(-2*day), 1, 1)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.False(t, left()[oldest])
	require.True(t, left()[failed])

	n, err = s.DeleteExpiredRuns(ctx, now.Add(-2*day), 1, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n, "batches go on until one comes back short")
	kept := left()
	require.False(t, kept[failed])
	for name, id := range map[string]uuid.UUID{"notified": notified, "running": running, "recent": recent, "only": only} {
		require.True(t, kept[id], "the %s run is kept", name)
	}
	var after int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM notification_deliveries WHERE execution_id = $1`, notified).Scan(&after))
	require.Equal(t, deliveries, after, "a notified run keeps its deliveries")

	n, err = s.DeleteExpiredRuns(ctx, now.Add(-2*day), 1000, 10)
	require.NoError(t, err)
	require.Zero(t, n, "nothing else is old, quiet and superseded")
}
