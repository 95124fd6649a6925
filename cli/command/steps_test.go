package command_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// torale executions get shows the run's steps under its result, failures in words; --json
// carries them as the API gives them.
func TestExecutionsGetShowsSteps(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	c := newCLIAgent(t, func(*config.Config) {}, agent.Output{
		Result:  task.Result{Evidence: "Only rumours so far.", Confidence: 80},
		Silence: task.SilenceConditionNotMet,
		Usage:   task.Usage{Model: "gemini", PromptTokens: 900, OutputTokens: 100, CostUSD: 0.0004},
		Steps: []task.Step{
			{Kind: task.StepModel, At: at, Duration: 1200 * time.Millisecond, Purpose: "search", Model: "gemini", PromptTokens: 900, OutputTokens: 100, CostUSD: 0.0004},
			{Kind: task.StepSearch, At: at, Queries: []string{"iphone 18 release"}, Results: 3},
			{Kind: task.StepPage, At: at, Duration: 300 * time.Millisecond, URL: "https://slow.example.com/", Failure: "the page did not answer within 10s"},
			{Kind: task.StepDecision, At: at, Confidence: 80, Silence: task.SilenceConditionNotMet},
		}})
	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18 release date?", "--json")
	id := uuidRE.FindString(created)
	c.ok("tasks", "run", id)
	runID := uuidRE.FindString(c.ok("executions", "list", id, "--limit", "1"))

	got := c.ok("executions", "get", runID)
	require.Regexp(t, `step 1\s+model gemini \(search\) · 1200 ms · 900\+100 tokens · \$0\.0004`, got)
	require.Regexp(t, `step 2\s+search "iphone 18 release": 3 pages`, got)
	require.Regexp(t, `step 3\s+page https://slow.example.com/ · 300 ms · failed: the page did not answer within 10s`, got)
	require.Regexp(t, `step 4\s+decision: stay silent, condition not met`, got)
	require.Contains(t, c.ok("executions", "get", runID, "--json"), `"failure": "the page did not answer within 10s"`)
}
