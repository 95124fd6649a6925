package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// requireViewsMatch checks that the one-statement views of the user's tasks (a page, and each
// task alone) carry what the separate readers return: the task, the run its last_execution_id
// names, the month's spend at now and the silence summary. It returns the views.
func requireViewsMatch(t *testing.T, s *store.Store, userID uuid.UUID, now time.Time) []store.TaskView {
	t.Helper()
	ctx := context.Background()
	tasks, err := s.ListTasks(ctx, userID, store.TaskFilter{Limit: 100})
	require.NoError(t, err)
	views, err := s.ListTaskViews(ctx, userID, store.TaskFilter{Limit: 100}, now)
	require.NoError(t, err)
	require.Len(t, views, len(tasks))
	ids := make([]uuid.UUID, len(tasks))
	for i, tk := range tasks {
		ids[i] = tk.ID
	}
	spends, err := s.MonthSpends(ctx, userID, ids, now)
	require.NoError(t, err)
	silences, err := s.SilenceSummaries(ctx, userID, ids)
	require.NoError(t, err)
	for i, tk := range tasks {
		one, err := s.GetTaskView(ctx, userID, tk.ID, now)
		require.NoError(t, err)
		for _, v := range []store.TaskView{views[i], one} {
			require.Equal(t, tk, v.Task, "task %d, in the page's order", i)
			require.InDelta(t, spends[tk.ID], v.MonthSpendUSD, 1e-9)
			require.Equal(t, silences[tk.ID], v.Silence)
			if tk.LastExecutionID == nil {
				require.Nil(t, v.Last)
				continue
			}
			last, err := s.GetExecution(ctx, userID, *tk.LastExecutionID)
			require.NoError(t, err)
			require.NotNil(t, v.Last)
			require.Equal(t, last, *v.Last)
		}
	}
	return views
}

// A page's views follow ListTasks's filter and cursor, and nobody reads another user's task.
func TestTaskViewsPageAsListTasksDoes(t *testing.T) {
	b := setup(t)
	var made []task.Task
	for range 5 {
		made = append(made, b.task(t, b.user, b.now))
	}
	paused, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "paused", SearchQuery: "paused watch query",
		ConditionDescription: "c", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StatePaused})
	require.NoError(t, err)
	made = append(made, paused)
	for _, f := range []store.TaskFilter{{Limit: 2}, {Limit: 10, State: task.StatePaused}, {Limit: 10, State: task.StateActive}} {
		want, err := b.store.ListTasks(b.ctx, b.user.ID, f)
		require.NoError(t, err)
		got, err := b.store.ListTaskViews(b.ctx, b.user.ID, f, b.now)
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, want[i].ID, got[i].Task.ID)
		}
		if len(want) > 0 {
			after := &store.Cursor{CreatedAt: want[len(want)-1].CreatedAt, ID: want[len(want)-1].ID}
			f.After = after
			next, err := b.store.ListTasks(b.ctx, b.user.ID, f)
			require.NoError(t, err)
			nextViews, err := b.store.ListTaskViews(b.ctx, b.user.ID, f, b.now)
			require.NoError(t, err)
			require.Len(t, nextViews, len(next))
		}
	}
	_, err = b.store.GetTaskView(b.ctx, b.other.ID, made[0].ID, b.now)
	require.ErrorIs(t, err, store.ErrNotFound)
	theirs, err := b.store.ListTaskViews(b.ctx, b.other.ID, store.TaskFilter{Limit: 10}, b.now)
	require.NoError(t, err)
	require.Empty(t, theirs)
	requireViewsMatch(t, b.store, b.user.ID, b.now)
}

// Reading by API key authenticates in the same statement: the key's owner reads what
// ListTaskViews reads, an unknown or revoked key reads nothing, and the key's use is recorded
// at most once a minute.
func TestTaskViewsByKeyAuthenticate(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	theirs := b.task(t, b.other, b.now)
	hash := []byte("0123456789abcdef0123456789abcdef")
	k, err := b.store.CreateAPIKey(b.ctx, b.user.ID, "laptop", "tor_0123", hash)
	require.NoError(t, err)

	views, err := b.store.ListTaskViewsByKey(b.ctx, hash, store.TaskFilter{Limit: 10}, b.now)
	require.NoError(t, err)
	want, err := b.store.ListTaskViews(b.ctx, b.user.ID, store.TaskFilter{Limit: 10}, b.now)
	require.NoError(t, err)
	require.Equal(t, want, views)
	one, err := b.store.GetTaskViewByKey(b.ctx, hash, tk.ID, b.now)
	require.NoError(t, err)
	require.Equal(t, want[0], one)
	_, err = b.store.GetTaskViewByKey(b.ctx, hash, theirs.ID, b.now)
	require.ErrorIs(t, err, store.ErrNotFound, "another user's task")

	used := func() *time.Time {
		keys, err := b.store.ListAPIKeys(b.ctx, b.user.ID)
		require.NoError(t, err)
		require.Len(t, keys, 1)
		return keys[0].LastUsedAt
	}
	first := used()
	require.NotNil(t, first, "the read records the key's use")
	require.True(t, first.Equal(b.now))
	_, err = b.store.ListTaskViewsByKey(b.ctx, hash, store.TaskFilter{Limit: 10}, b.now.Add(30*time.Second))
	require.NoError(t, err)
	require.True(t, used().Equal(b.now), "not again within the minute")
	_, err = b.store.GetTaskViewByKey(b.ctx, hash, tk.ID, b.now.Add(2*time.Minute))
	require.NoError(t, err)
	require.True(t, used().Equal(b.now.Add(2*time.Minute)))

	none, err := b.store.ListTaskViewsByKey(b.ctx, []byte("another key hash of 32 bytes...."), store.TaskFilter{Limit: 10}, b.now)
	require.NoError(t, err)
	require.Empty(t, none, "an unknown key reads nothing")
	require.NoError(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, k.ID))
	none, err = b.store.ListTaskViewsByKey(b.ctx, hash, store.TaskFilter{Limit: 10}, b.now)
	require.NoError(t, err)
	require.Empty(t, none, "a revoked key reads nothing")
	_, err = b.store.GetTaskViewByKey(b.ctx, hash, tk.ID, b.now)
	require.ErrorIs(t, err, store.ErrNotFound)
}
