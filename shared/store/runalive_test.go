package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

// The gate's one read answers as GetTask and RunAlive do: the task, and whether the run the
// message names is running within its deadline.
func TestGetTaskRunAliveReadsBoth(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	at := b.now
	e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &at, Now: b.now,
		Deadline: b.now.Add(time.Minute)})
	require.NoError(t, err)
	want, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	other := at.Add(time.Hour)
	for _, c := range []struct {
		name      string
		execution bool
		fire      *time.Time
		now       time.Time
	}{
		{"the fire, running", false, &at, b.now},
		{"the execution, running", true, nil, b.now},
		{"another fire", false, &other, b.now},
		{"past its deadline", false, &at, b.now.Add(2 * time.Minute)},
	} {
		var id = &e.ID
		if !c.execution {
			id = nil
		}
		alive, err := b.store.RunAlive(b.ctx, b.user.ID, tk.ID, id, c.fire, c.now)
		require.NoError(t, err)
		got, both, err := b.store.GetTaskRunAlive(b.ctx, b.user.ID, tk.ID, id, c.fire, c.now)
		require.NoError(t, err)
		require.Equal(t, alive, both, c.name)
		require.Equal(t, want, got, c.name)
	}
	alive, err := b.store.RunAlive(b.ctx, b.user.ID, tk.ID, nil, &at, b.now)
	require.NoError(t, err)
	require.True(t, alive, "the case the gate holds back is covered")
	_, _, err = b.store.GetTaskRunAlive(b.ctx, b.other.ID, tk.ID, nil, &at, b.now)
	require.ErrorIs(t, err, store.ErrNotFound, "another user's task")
}
