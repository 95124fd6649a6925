package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// Migration 000007 gives tasks stored before it the best guess of what set their next run, and
// from then on every writer stores the cause itself; the column refuses causes it does not know.
func TestMigrationGuessesTheCauseOfStoredNextRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, u := beforeMigration(t, 7)

	insert := func(schedule string, ran bool) string {
		var id string
		require.NoError(t, conn.QueryRow(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description, schedule,
			next_run_at, last_run_at) VALUES ($1, 'watch', 'iphone release', '', $2, now(), CASE WHEN $3 THEN now() END)
			RETURNING id::text`, u.ID, schedule, ran).Scan(&id))
		return id
	}
	want := map[string]task.NextRunCause{
		insert("0 9 * * *", false): task.CauseFirstRun,
		insert("", false):          task.CauseFirstRun,
		insert("0 9 * * *", true):  task.CauseSchedule,
		insert("", true):           task.CauseAgent,
	}
	require.NoError(t, s.MigrateUp())
	for id, cause := range want {
		var got string
		require.NoError(t, conn.QueryRow(ctx, `SELECT next_run_cause FROM tasks WHERE id = $1`, id).Scan(&got))
		require.Equal(t, string(cause), got)
	}
	_, err := conn.Exec(ctx, `UPDATE tasks SET next_run_cause = 'whim'`)
	require.Error(t, err, "the check constraint names every cause")
}

// Reconcile's repair of a stale next run moves it to the schedule's next fire, or the default
// gap without a schedule, and says so.
func TestMoveNextRunStoresItsCause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	for schedule, want := range map[string]task.NextRunCause{"0 9 * * *": task.CauseSchedule, "": task.CauseGap} {
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
		tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "w", SearchQuery: "iphone release", ConditionDescription: "c",
			Schedule: schedule, Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive, NextRunAt: &at,
			NextRunCause: task.CauseAgent})
		require.NoError(t, err)
		require.Equal(t, task.CauseAgent, tk.NextRunCause)
		moved, err := s.MoveNextRun(ctx, u.ID, tk.ID, at, at.Add(24*time.Hour))
		require.NoError(t, err)
		require.True(t, moved)
		got, err := s.GetTask(ctx, u.ID, tk.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.NextRunCause, "schedule %q", schedule)
	}
}
