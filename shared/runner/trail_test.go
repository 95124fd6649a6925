package runner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/task"
)

// The scripted agent's steps reach the run's trail: a transient failure's steps, then a retry
// step saying why, then the next attempt's steps, each stamped with its attempt; the findings
// the decision saw are kept.
func TestRunnerRecordsEachAttemptsSteps(t *testing.T) {
	b := setup(t)
	tk, msg := b.dueTask(t, "0 12 * * *", task.NotifyAlways)
	overloaded := task.Step{Kind: task.StepModel, At: b.now, Purpose: "search", Model: "m", Failure: "the model is overloaded"}
	decided := []task.Step{
		{Kind: task.StepModel, At: b.now, Duration: time.Second, Purpose: "search", Model: "m", PromptTokens: 10, OutputTokens: 5, CostUSD: 0.001},
		{Kind: task.StepDecision, At: b.now, Notifies: true, Confidence: 90},
	}
	ok := notifying("Released.")
	ok.Output.Steps = decided
	ok.Output.Usage = task.Usage{Model: "m", PromptTokens: 10, OutputTokens: 5, CostUSD: 0.001}
	ok.Output.Findings = []task.Finding{{Kind: "report", Text: "It was released [1]"}}
	fake := agenttest.New(
		agenttest.Reply{Output: agent.Output{Steps: []task.Step{overloaded}},
			Err: &agent.Error{Category: task.CategoryRateLimit, Retryable: true, Message: "the model is overloaded"}},
		ok)
	r := b.runner(fake)
	require.Error(t, r.Handle(b.ctx, msg), "the first attempt fails transiently")
	require.NoError(t, r.Handle(b.ctx, msg))

	e := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, e.Status)
	steps, err := b.store.ExecutionSteps(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Len(t, steps, 4)
	require.Equal(t, []task.StepKind{task.StepModel, task.StepRetry, task.StepModel, task.StepDecision},
		[]task.StepKind{steps[0].Kind, steps[1].Kind, steps[2].Kind, steps[3].Kind})
	require.Equal(t, []int{1, 1, 2, 2}, []int{steps[0].Attempt, steps[1].Attempt, steps[2].Attempt, steps[3].Attempt})
	require.Equal(t, "run", steps[1].Purpose)
	require.Equal(t, "the model is overloaded", steps[1].Failure)
	require.Equal(t, e.Usage.PromptTokens, steps[2].PromptTokens)
	findings, err := b.store.ExecutionFindings(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, ok.Output.Findings, findings)
}
