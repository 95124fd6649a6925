package schedule_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

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

// In Cloud Scheduler mode a job's fire is named by the task's next run; when the attempt that
// took it dies, the tick's sweep retries it under that fire, and the job's message redelivered
// or duplicated meanwhile finds the same row: one fire, one execution.
func TestJobFireWhoseAttemptDiedRunsOnceUnderItsFire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:jobcrash"})
	require.NoError(t, err)
	next := time.Date(2026, 11, 29, 9, 0, 30, 0, time.UTC)
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &next})
	require.NoError(t, err)
	fire := *schedule.FireOf(tk)
	clock := clocktest.New(time.Date(2026, 11, 29, 9, 1, 0, 0, time.UTC))
	cfg := runner.Config{AgentTimeout: 10 * time.Second, MaxAttempts: 3}

	// A process took the fire and died inside the agent.
	_, err = st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &fire, Now: clock.Now(),
		Deadline: clock.Now().Add(cfg.Deadline(runner.KindRoutine))})
	require.NoError(t, err)

	// The next ticks: nothing while the deadline holds, then the run is retried under its fire.
	pub := &eventtest.Recorder{}
	sweeper := schedule.NewSweeper(schedule.NoClaims{}, pub, clock.Now, logging.Discard(),
		schedule.SweepConfig{Reaper: runner.NewReaper(st, pub, clock.Now, logging.Discard(), cfg)})
	_, err = sweeper.Sweep(ctx)
	require.NoError(t, err)
	require.Empty(t, pub.Messages(event.TopicRunTask))
	clock.Set(clock.Now().Add(cfg.Deadline(runner.KindRoutine) + time.Second))
	_, err = sweeper.Sweep(ctx)
	require.NoError(t, err)
	msgs := pub.Take(event.TopicRunTask)
	require.Len(t, msgs, 1)

	// The retry and a redelivered job message both reach the gate; the run happens once.
	note := "Announced."
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90,
		Notification: &note, Sources: []task.Source{{URL: "https://example.com", Title: "Example"}}}}})
	r := runner.New(st, fake, pub, clock.Now, logging.Discard(), cfg)
	g := schedule.NewGate(st, r.HandleTask, clock.Now, logging.Discard())
	job, _ := json.Marshal(event.RunTask{Version: 1, TaskID: tk.ID, UserID: u.ID})
	require.NoError(t, g.HandleMessage(ctx, msgs[0]))
	require.NoError(t, g.HandleMessage(ctx, job))
	require.Equal(t, 1, fake.Calls())
	list, err := st.ListExecutions(ctx, u.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, task.StatusSuccess, list[0].Status)
	require.Equal(t, 2, list[0].Attempt)
	require.Equal(t, fire, list[0].ScheduledFor.UTC())
}
