package command_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// A run that notified nobody says why in every view of it, and the task says how its recent
// runs went.
func TestSilentRunsSayWhy(t *testing.T) {
	c := newCLIAgent(t, func(*config.Config) {}, agent.Output{Result: task.Result{Evidence: "Only rumours so far.", Confidence: 80},
		Silence: task.SilenceConditionNotMet})
	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18 release date?", "--json")
	id := uuidRE.FindString(created)

	run := c.ok("tasks", "run", id)
	require.Regexp(t, `silent because\s+condition not met \(condition_not_met\)`, run)
	require.Contains(t, run, "Only rumours so far.", "the evidence's sentence stays")

	require.Contains(t, c.ok("executions", "list", id), "silent, condition not met: 80% Only rumours so far.")
	runID := uuidRE.FindString(c.ok("executions", "list", id, "--limit", "1"))
	require.Contains(t, c.ok("executions", "get", runID, "--json"), `"silence_reason": "condition_not_met"`)
	require.Regexp(t, `recent silence\s+\d+ silent runs?: \d+ condition not met \(of the last \d+ runs\)`, c.ok("tasks", "get", id))
	require.Contains(t, c.ok("tasks", "get", id, "--json"), `"condition_not_met": `)
}
