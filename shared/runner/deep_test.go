package runner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func TestDeadlineFollowsTheKind(t *testing.T) {
	t.Parallel()
	cfg := runner.Config{AgentTimeout: 2 * time.Minute, DeepTimeout: 15 * time.Minute}
	require.Equal(t, 3*time.Minute, cfg.Deadline(runner.KindRoutine))
	require.Equal(t, 16*time.Minute, cfg.Deadline(runner.KindDeep))
	require.Equal(t, 16*time.Minute, runner.Config{}.Deadline(runner.KindDeep), "15 minutes by default")
	require.Equal(t, runner.KindDeep, runner.KindOf(task.Task{Depth: task.DepthDeep}))
	require.Equal(t, runner.KindRoutine, runner.KindOf(task.Task{}))
}

// With HandOver, a deep run's trigger goes to the deep-run topic and nothing runs here; the
// worker's RunHere runs it under a deep run's deadline, and a routine run never leaves.
func TestDeepRunsAreHandedOver(t *testing.T) {
	b := setup(t)
	fake := agenttest.New(notifying("It was announced."))
	r := runner.New(b.store, fake, b.pub, func() time.Time { return b.now }, logging.Discard(),
		runner.Config{MaxAttempts: 2, AgentTimeout: time.Second, DeepTimeout: 5 * time.Minute, HandOver: true})

	at := b.now.Add(-time.Minute)
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Deep watch", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Schedule: "0 9 * * *", Timezone: "UTC", NotifyBehavior: task.NotifyAlways,
		Depth: task.DepthDeep, State: task.StateActive, NextRunAt: &at})
	require.NoError(t, err)
	m := event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: &at}

	require.NoError(t, r.HandleTask(b.ctx, m, tk))
	require.Zero(t, fake.Calls(), "runtask does not run a deep run")
	handed := b.pub.Take(event.TopicDeepRun)
	require.Len(t, handed, 1)
	got, err := event.DecodeRunTask(handed[0])
	require.NoError(t, err)
	require.Equal(t, m.TaskID, got.TaskID)
	require.True(t, m.ScheduledFor.Equal(*got.ScheduledFor))

	require.NoError(t, r.RunHere(b.ctx, got, tk))
	require.Equal(t, 1, fake.Calls())
	require.Equal(t, task.DepthDeep, fake.Inputs()[0].Depth, "the agent is told to research deeply")
	runs, err := b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.Equal(t, task.StatusSuccess, runs[0].Status)
	require.Equal(t, 6*time.Minute, (*runs[0].DeadlineAt).Sub(*runs[0].StartedAt), "a deep run's deadline")

	// The same trigger again, as a redelivered message: the fire is taken, nothing runs twice.
	require.NoError(t, r.RunHere(b.ctx, got, tk))
	require.Equal(t, 1, fake.Calls())

	routine, rm := b.dueTask(t, "0 9 * * *", task.NotifyAlways)
	require.NoError(t, r.HandleTask(b.ctx, rm, routine))
	require.Equal(t, 2, fake.Calls(), "a routine run runs where it arrives")
	require.Zero(t, b.pub.Count(event.TopicDeepRun))
}
