package schedule_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

type runs struct {
	mu   sync.Mutex
	seen []event.RunTask
}

func (r *runs) run(_ context.Context, m event.RunTask) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, m)
	return nil
}

func (r *runs) last(t *testing.T) event.RunTask {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.seen)
	return r.seen[len(r.seen)-1]
}

func (r *runs) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

func TestGateNamesTheFireOfAJobMessageAndHoldsBackLiveRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:gate"})
	require.NoError(t, err)
	now := time.Date(2026, 11, 29, 9, 1, 3, 0, time.UTC)
	next := time.Date(2026, 11, 29, 9, 0, 30, 250000000, time.UTC)
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive, NextRunAt: &next})
	require.NoError(t, err)
	clock := clocktest.New(now)
	r := &runs{}
	g := schedule.NewGate(st, r.run, clock.Now, logging.Discard())
	msg, _ := json.Marshal(event.RunTask{Version: 1, TaskID: tk.ID, UserID: u.ID})

	require.NoError(t, g.HandleMessage(ctx, msg))
	fire := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	require.Equal(t, fire, r.last(t).ScheduledFor.UTC(), "the next run's minute")

	// While an attempt of that fire is alive, copies come back later instead of being dropped.
	_, err = st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &fire, Now: now, Deadline: now.Add(2 * time.Minute)})
	require.NoError(t, err)
	require.ErrorIs(t, g.HandleMessage(ctx, msg), schedule.ErrBusy)
	sweepMsg, _ := json.Marshal(event.RunTask{Version: 1, TaskID: tk.ID, UserID: u.ID, ScheduledFor: &fire})
	require.ErrorIs(t, g.HandleMessage(ctx, sweepMsg), schedule.ErrBusy)
	require.Equal(t, 1, r.count())

	// Past its deadline the attempt is presumed dead: the copy goes to the runner, which takes
	// the run over.
	clock.Set(now.Add(3 * time.Minute))
	require.NoError(t, g.HandleMessage(ctx, msg))
	require.Equal(t, 2, r.count())

	// A live manual run holds back its own trigger too.
	clock.Set(now)
	other, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Other", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StatePaused})
	require.NoError(t, err)
	manual, err := st.CreateManualRun(ctx, u.ID, other.ID)
	require.NoError(t, err)
	manualMsg, _ := json.Marshal(event.RunTask{Version: 1, TaskID: other.ID, UserID: u.ID, ExecutionID: &manual.ID})
	require.NoError(t, g.HandleMessage(ctx, manualMsg), "pending: nobody is on it")
	_, err = st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: other.ID, ExecutionID: &manual.ID, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	require.ErrorIs(t, g.HandleMessage(ctx, manualMsg), schedule.ErrBusy)
	require.Equal(t, 3, r.count())

	// Messages that can never run are acked.
	gone, _ := json.Marshal(event.RunTask{Version: 1, TaskID: uuid.New(), UserID: u.ID})
	require.NoError(t, g.HandleMessage(ctx, gone))
	require.NoError(t, g.HandleMessage(ctx, []byte(`{"version":9}`)))
	require.Equal(t, 3, r.count())
}
