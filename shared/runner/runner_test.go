package runner_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

type testBundle struct {
	ctx   context.Context
	store *store.Store
	pub   *eventtest.Recorder
	user  store.User
	now   time.Time
}

func setup(t *testing.T) testBundle {
	t.Helper()
	t.Parallel()
	s := storetest.New(t)
	u, err := s.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:runner"})
	require.NoError(t, err)
	return testBundle{ctx: context.Background(), store: s, pub: &eventtest.Recorder{}, user: u,
		now: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)}
}

func (b testBundle) runner(a agent.Agent) *runner.Runner {
	return runner.New(b.store, a, b.pub, func() time.Time { return b.now }, logging.Discard(),
		runner.Config{MaxAttempts: 2, AgentTimeout: time.Second})
}

func (b testBundle) dueTask(t *testing.T, schedule string, behavior task.NotifyBehavior) (task.Task, event.RunTask) {
	t.Helper()
	at := b.now.Add(-time.Minute)
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Watch", SearchQuery: "iphone release date",
		ConditionDescription: "announced", Schedule: schedule, Timezone: "UTC", NotifyBehavior: behavior,
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: "https://hooks.example.com/x"}},
		State:         task.StateActive, NextRunAt: &at})
	require.NoError(t, err)
	return tk, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: &at}
}

func notifying(text string) agenttest.Reply {
	return agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &text,
		Sources: []task.Source{{URL: "https://example.com", Title: "Example"}}}}}
}

func lastExecution(t *testing.T, b testBundle, tk task.Task) task.Execution {
	t.Helper()
	list, err := b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1, "one execution per fire")
	return list[0]
}

func TestScheduledRunRecordsResultOutboxAndNextRun(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "0 12 * * *", task.NotifyAlways)
	fake := agenttest.New(notifying("Released."))
	r := b.runner(fake)
	require.NoError(t, r.Handle(b.ctx, msg))
	// The same trigger delivered again runs nothing.
	require.NoError(t, r.Handle(b.ctx, msg))
	require.Equal(t, 1, fake.Calls())

	e := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, e.Status)
	ds, err := b.store.ListDeliveries(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	require.Equal(t, task.ChannelWebhook, ds[0].Channel)
	require.Equal(t, 1, b.pub.Count(event.TopicNotify))

	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), got.NextRunAt.UTC(), "next cron fire")
	require.Equal(t, task.StateActive, got.State)
	require.Empty(t, fake.Inputs()[0].Recent, "first run has no history")
}

func TestTransientFailureRetriesThenFails(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyOnce)
	busy := &agent.Error{Category: task.CategoryRateLimit, Message: "the search provider is busy", Retryable: true}
	r := b.runner(agenttest.New(agenttest.Reply{Err: busy}))

	err := r.Handle(b.ctx, msg)
	require.ErrorIs(t, err, runner.ErrRetry, "a transient failure asks for redelivery")
	e := lastExecution(t, b, tk)
	require.Equal(t, task.StatusRetrying, e.Status)
	require.Equal(t, task.CategoryRateLimit, e.ErrorCategory)

	require.NoError(t, r.Handle(b.ctx, msg), "the last attempt fails for good and acks")
	e = lastExecution(t, b, tk)
	require.Equal(t, task.StatusFailed, e.Status)
	require.Equal(t, 2, e.Attempt)
	require.Equal(t, "the search provider is busy", e.Error)
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, b.now.Add(24*time.Hour), got.NextRunAt.UTC(), "the task keeps its schedule")
}

func TestRetryThenSuccess(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyOnce)
	fake := agenttest.New(agenttest.Reply{Err: errors.New("connection reset")}, notifying("Done."))
	r := b.runner(fake)
	require.Error(t, r.Handle(b.ctx, msg))
	require.NoError(t, r.Handle(b.ctx, msg))
	e := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, e.Status)
	require.Empty(t, e.Error, "the earlier attempt's error is cleared")
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateCompleted, got.State, "notify once completes the task")
}

func TestPausedTaskIsNotRunBySchedule(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyOnce)
	fake := agenttest.New(notifying("x"))
	early := b.now.Add(10 * time.Minute)
	msg.ScheduledFor = &early
	require.NoError(t, b.runner(fake).Handle(b.ctx, msg))
	require.Zero(t, fake.Calls(), "a fire that is not due yet is ignored")
	list, err := b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestManualRunLeavesScheduleAlone(t *testing.T) {
	b := setup(t)
	tk, _ := b.dueTask(t, "0 12 * * *", task.NotifyAlways)
	e, err := b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	r := b.runner(agenttest.New(notifying("x")))
	require.NoError(t, r.Handle(b.ctx, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ExecutionID: &e.ID}))
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, *tk.NextRunAt, *got.NextRunAt)
	require.Equal(t, e.ID, *got.LastExecutionID)
}

func TestRecoverRetriggersPendingRuns(t *testing.T) {
	b := setup(t)
	tk, _ := b.dueTask(t, "", task.NotifyOnce)
	_, err := b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.NoError(t, b.runner(agenttest.New()).RecoverAtStart(b.ctx, time.Now()))
	require.Equal(t, 1, b.pub.Count(event.TopicRunTask))
}
