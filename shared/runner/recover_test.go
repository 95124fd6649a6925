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

// After a crash, the fires the sweep claimed but never started and the runs the dead process was
// inside are all triggered again at the restart, each under its own fire: none waits for a
// lease or a deadline.
func TestRecoverAtStartTriggersClaimedFiresAndTakesBackDeadRuns(t *testing.T) {
	b := setup(t)
	claimed, _ := b.dueTask(t, "", task.NotifyAlways)
	inside, insideMsg := b.dueTask(t, "", task.NotifyAlways)
	_, err := b.store.ClaimDueTasks(b.ctx, b.now, b.now.Add(15*time.Minute), 10)
	require.NoError(t, err)
	_, err = b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: inside.ID,
		ScheduledFor: insideMsg.ScheduledFor, Now: b.now, Deadline: b.now.Add(time.Hour)})
	require.NoError(t, err)

	// The restart, a second later: well inside the lease and the dead run's deadline.
	b.now = b.now.Add(time.Second)
	require.NoError(t, b.runner(agenttest.New()).RecoverAtStart(b.ctx, b.now))
	fires := map[string]time.Time{}
	for _, raw := range b.pub.Take(event.TopicRunTask) {
		m, err := event.DecodeRunTask(raw)
		require.NoError(t, err)
		require.NotNil(t, m.ScheduledFor)
		fires[m.TaskID.String()] = m.ScheduledFor.UTC()
	}
	require.Equal(t, map[string]time.Time{claimed.ID.String(): claimed.NextRunAt.UTC(),
		inside.ID.String(): inside.NextRunAt.UTC()}, fires, "each task once, at its original fire")

	// Both run now, each as the one execution of its fire.
	r := b.runner(agenttest.New(notifying("a"), notifying("b")))
	for _, tk := range []task.Task{claimed, inside} {
		require.NoError(t, r.Handle(b.ctx, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: tk.NextRunAt}))
		e := lastExecution(t, b, tk)
		require.Equal(t, task.StatusSuccess, e.Status)
	}
}

// The reaper a sweep runs retries a run whose attempt died past its deadline, at once.
func TestReaperRetriesARunPastItsDeadline(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyAlways)
	cfg := runner.Config{MaxAttempts: 2, AgentTimeout: time.Second}
	_, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID,
		ScheduledFor: msg.ScheduledFor, Now: b.now, Deadline: b.now.Add(cfg.Deadline(runner.KindRoutine))})
	require.NoError(t, err)
	reaper := runner.NewReaper(b.store, b.pub, func() time.Time { return b.now.Add(time.Minute) }, logging.Discard(), cfg)
	n, err := reaper.Reap(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "inside its deadline")
	reaper = runner.NewReaper(b.store, b.pub, func() time.Time { return b.now.Add(2 * time.Minute) }, logging.Discard(), cfg)
	n, err = reaper.Reap(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, task.StatusRetrying, lastExecution(t, b, tk).Status)
	msgs := b.pub.Take(event.TopicRunTask)
	require.Len(t, msgs, 1)
	m, err := event.DecodeRunTask(msgs[0])
	require.NoError(t, err)
	require.Equal(t, msg.ScheduledFor.UTC(), m.ScheduledFor.UTC(), "retried under the same fire")
}

// A fire claimed before its task was paused does not run, and does not stay owed: once the task
// is resumed and due, the sweep claims it again.
func TestAClaimedFireOfAPausedTaskIsCancelled(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyAlways)
	claims, err := b.store.ClaimDueTasks(b.ctx, b.now, b.now.Add(15*time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claims, 1)
	tk.State = task.StatePaused
	fake := agenttest.New(notifying("x"))
	require.NoError(t, b.runner(fake).HandleTask(b.ctx, msg, tk))
	require.Zero(t, fake.Calls())
	require.Equal(t, task.StatusCancelled, lastExecution(t, b, tk).Status)
	pending, err := b.store.PendingRuns(b.ctx, 10)
	require.NoError(t, err)
	require.Empty(t, pending)
	later := b.now.Add(time.Hour)
	claims, err = b.store.ClaimDueTasks(b.ctx, later, later.Add(15*time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claims, 1, "claimed again when due")
}
