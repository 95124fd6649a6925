package command_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// The CLI shows spend against the cap; a run past the cap is not started, says why, and alerts.
func TestSpendCapAndAlerts(t *testing.T) {
	c := newCLIAgent(t, func(cfg *config.Config) { cfg.Alerts.MonthlySpendCapUSD = 1 },
		agent.Output{Result: task.Result{Evidence: "Only rumours so far.", Confidence: 80}, Silence: task.SilenceConditionNotMet,
			Usage: task.Usage{Model: "gemini-3.5-flash-lite", CostUSD: 0.6}})
	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18 release date?", "--budget", "5", "--json")
	id := uuidRE.FindString(created)
	require.Contains(t, created, `"monthly_budget_usd": 5`)
	require.Contains(t, c.ok("tasks", "run", id), "success")

	var s struct {
		SpentUSD     float64 `json:"spent_usd"`
		CapUSD       float64 `json:"cap_usd"`
		CapSource    string  `json:"cap_source"`
		RemainingUSD float64 `json:"remaining_usd"`
		Tasks        []struct {
			ID     string   `json:"id"`
			Budget *float64 `json:"monthly_budget_usd"`
		} `json:"tasks"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.ok("spend", "--json")), &s))
	require.InDelta(t, 0.6, s.SpentUSD, 1e-9)
	require.InDelta(t, 1.0, s.CapUSD, 1e-9)
	require.Equal(t, "platform", s.CapSource)
	require.InDelta(t, 0.4, s.RemainingUSD, 1e-9)
	require.Len(t, s.Tasks, 1)
	require.Equal(t, id, s.Tasks[0].ID)
	require.InDelta(t, 5.0, *s.Tasks[0].Budget, 1e-9)
	plain := c.ok("spend")
	require.Contains(t, plain, "spent\t$0.60")
	require.Contains(t, plain, "cap\t$1.00 (the platform's)")

	// $0.60 spent, about $0.60 a run: this one would pass $1.00. It is not started, and says why.
	held := c.run("tasks", "run", id)
	require.Equal(t, command.ExitError, held.code, held.err)
	require.Contains(t, held.out, "Not run: your watches' model spend this month ($0.60) has reached, or with this run would pass, your monthly cap of $1.00.")
	require.Contains(t, held.out, "spend cap (spend_cap)")
	require.Contains(t, c.ok("executions", "get", uuidRE.FindString(c.ok("executions", "list", id, "--limit", "1")), "--json"),
		`"silence_reason": "spend_cap"`)
	require.Contains(t, c.ok("tasks", "get", id), "alert")
	require.Contains(t, c.ok("alerts", "--open", "--json"), `"cause": "spend_cap"`)
	require.Contains(t, c.ok("alerts"), "spend_cap")

	require.Contains(t, c.ok("tasks", "update", id, "--budget", "0", "--json"), `"monthly_budget_usd": null`)
	r := c.run("tasks", "update", id, "--budget", "lots")
	require.Equal(t, command.ExitUsage, r.code, r.err)
	r = c.run("alerts", "--limit", "0")
	require.Equal(t, command.ExitUsage, r.code, r.err)
}
