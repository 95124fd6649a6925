package schedule_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

type runs struct {
	mu   sync.Mutex
	seen []event.RunTask
}

func (r *runs) run(_ context.Context, m event.RunTask, _ task.Task) error {
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

	// A message naming an execution is checked against that execution alone, not the fire.
	stray := uuid.New()
	strayMsg, _ := json.Marshal(event.RunTask{Version: 1, TaskID: tk.ID, UserID: u.ID, ExecutionID: &stray})
	require.NoError(t, g.HandleMessage(ctx, strayMsg))
	require.Equal(t, 2, r.count())

	// Past its deadline the attempt is presumed dead: the copy goes to the runner, which takes
	// the run over.
	clock.Set(now.Add(3 * time.Minute))
	require.NoError(t, g.HandleMessage(ctx, msg))
	require.Equal(t, 3, r.count())

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
	require.Equal(t, 4, r.count())

	// Messages that can never run are acked.
	gone, _ := json.Marshal(event.RunTask{Version: 1, TaskID: uuid.New(), UserID: u.ID})
	require.NoError(t, g.HandleMessage(ctx, gone))
	require.NoError(t, g.HandleMessage(ctx, []byte(`{"version":9}`)))
	require.Equal(t, 4, r.count())
}

// The gate is the one place that decodes run-task messages; one that can never run is acked
// without reaching the runner or the database.
func TestGateAcksMalformedMessages(t *testing.T) {
	t.Parallel()
	r := &runs{}
	g := schedule.NewGate(nil, r.run, time.Now, logging.Discard())
	require.NoError(t, g.HandleMessage(context.Background(), []byte(`{"version":1}`)))
	data, _ := json.Marshal(event.RunTask{Version: 99})
	require.NoError(t, g.HandleMessage(context.Background(), data))
	require.Zero(t, r.count())
}

// readCounter is the store, counting the round trips that read a run's task or what the run
// reads besides it.
type readCounter struct {
	*store.Store
	mu    sync.Mutex
	reads int
}

func (c *readCounter) count() {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
}

func (c *readCounter) GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error) {
	c.count()
	return c.Store.GetTask(ctx, userID, id)
}

func (c *readCounter) GetTaskRunAlive(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, scheduledFor *time.Time,
	now time.Time,
) (task.Task, bool, error) {
	c.count()
	return c.Store.GetTaskRunAlive(ctx, userID, taskID, executionID, scheduledFor, now)
}

func (c *readCounter) RecentResults(ctx context.Context, userID, taskID uuid.UUID, n int) ([]task.Result, error) {
	c.count()
	return c.Store.RecentResults(ctx, userID, taskID, n)
}

// One fire of a task's Cloud Scheduler job reads once before its claim: the gate reads the
// task, names the fire, checks it is not alive and reads what the run needs, in one statement,
// and hands it all to the runner, whose claim in the database admits the one attempt.
func TestAJobFireReadsTheTaskOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := &readCounter{Store: storetest.New(t)}
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:gate-reads"})
	require.NoError(t, err)
	next := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive, NextRunAt: &next})
	require.NoError(t, err)
	clock := clocktest.New(next.Add(30 * time.Second))
	a := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "nothing yet", Confidence: 80}}})
	r := runner.New(st, a, &eventtest.Recorder{}, clock.Now, logging.Discard(), runner.Config{})
	g := schedule.NewGate(st, r.HandleTask, clock.Now, logging.Discard())
	msg, _ := json.Marshal(event.RunTask{Version: 1, TaskID: tk.ID, UserID: u.ID})

	require.NoError(t, g.HandleMessage(ctx, msg))
	require.Equal(t, 1, a.Calls())
	require.Equal(t, 1, st.reads, "one read per fire before its claim")

	// A late copy reads the moved next run and does nothing.
	require.NoError(t, g.HandleMessage(ctx, msg))
	require.Equal(t, 1, a.Calls())
}
