package runner_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/agent/memory"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/task"
)

// brokenMemory fails every recall.
type brokenMemory struct{}

func (brokenMemory) Recall(context.Context, task.Task) ([]string, error) {
	return nil, errors.New("mem0: HTTP 503")
}

func (brokenMemory) Remember(context.Context, uuid.UUID, uuid.UUID, uuid.UUID, []string) error {
	return nil
}

func (b testBundle) runnerWithMemory(a agent.Agent, m runner.Memory) *runner.Runner {
	return runner.New(b.store, a, b.pub, func() time.Time { return b.now }, logging.Discard(),
		runner.Config{MaxAttempts: 2, AgentTimeout: time.Second, Memory: m})
}

func TestMemoryFeedsRunsAndKeepsReportedFacts(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyAlways)
	first := notifying("iPhone 18 ships on 18 September.")
	first.Output.Facts = []string{"iPhone 18 ships on 18 September 2026."}
	quiet := agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "nothing new", Confidence: 80}}}
	fake := agenttest.New(first, notifying("Preorders open on 11 September."), quiet)
	tick := b.now
	clock := func() time.Time { tick = tick.Add(time.Second); return tick } // facts are kept in order
	r := b.runnerWithMemory(fake, memory.NewPostgres(b.store, clock))

	require.NoError(t, r.Handle(b.ctx, msg))
	require.Empty(t, fake.Inputs()[0].Memory, "nothing reported yet")

	for i := 1; i <= 2; i++ {
		_, err := b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
		require.NoError(t, err)
		pending, err := b.store.PendingRuns(b.ctx, 10)
		require.NoError(t, err)
		require.Len(t, pending, 1)
		id := pending[0].ExecutionID
		msg.ExecutionID, msg.ScheduledFor = &id, nil
		require.NoError(t, r.Handle(b.ctx, msg))
	}
	inputs := fake.Inputs()
	require.Equal(t, []string{"iPhone 18 ships on 18 September 2026."}, inputs[1].Memory,
		"the agent's facts are kept, not the notification's wording")
	require.Equal(t, []string{"Preorders open on 11 September.", "iPhone 18 ships on 18 September 2026."}, inputs[2].Memory,
		"without facts the notification itself is kept; newest first")
	facts, err := b.store.TaskMemory(b.ctx, b.user.ID, tk.ID, 10)
	require.NoError(t, err)
	require.Len(t, facts, 2, "a quiet run adds nothing")
}

func TestUnreadableMemoryRetriesTheRun(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "", task.NotifyOnce)
	fake := agenttest.New(notifying("x"))
	err := b.runnerWithMemory(fake, brokenMemory{}).Handle(b.ctx, msg)
	require.ErrorIs(t, err, runner.ErrRetry)
	require.Zero(t, fake.Calls(), "the agent is not asked without the task's memory")
	e := lastExecution(t, b, tk)
	require.Equal(t, task.StatusRetrying, e.Status)
	require.Equal(t, task.CategoryNetwork, e.ErrorCategory)
	require.Equal(t, "the task's memory could not be read", e.Error)
}
