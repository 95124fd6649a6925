package gemini_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/task"
)

// month is the month the cost table prices a watch over.
const month = 30 * 24 * time.Hour

// costRow is what one scripted run cost.
type costRow struct {
	name  string
	calls int
	usage task.Usage
	gap   time.Duration // when the agent asked to look again
}

// runCost runs one scripted scenario and says what it cost.
func runCost(t *testing.T, name string, h geminitest.Handler, depth task.Depth) costRow {
	t.Helper()
	f := newAgent(t, h)
	in := input()
	in.Depth = depth
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err, name)
	r := costRow{name: name, calls: len(f.server.Requests()), usage: out.Usage, gap: 24 * time.Hour}
	if out.Result.NextRun != nil {
		r.gap = out.Result.NextRun.Sub(now)
	}
	require.Positive(t, r.usage.CostUSD, "%s: a run with a model costs something", name)
	return r
}

// TestCostTable prices the scripted scenarios with the default model and price table: model
// calls, tokens and estimated cost per routine and per deep run, and a month of a watch the
// agent checks when it chooses against one checked hourly. bench/cost.sh prints it (go test -v);
// the figures are the scripted model's (tokens estimated at four characters each), not a
// provider's bill.
func TestCostTable(t *testing.T) {
	silent := runCost(t, "routine run, nothing new (rumour only)", model(rumour).Handle, task.DepthRoutine)
	notify := runCost(t, "routine run that notifies", model(announced, rumour).Handle, task.DepthRoutine)
	deep := runCost(t, "deep run (3 searches, then the decision)",
		steppedModels(model(rumour), model(rumour, announced), model(announced)), task.DepthDeep)
	require.Greater(t, deep.calls, silent.calls, "a deep run makes more model calls")
	require.Greater(t, deep.usage.CostUSD, silent.usage.CostUSD)

	if !testing.Verbose() {
		return
	}
	fmt.Println("| run | model calls | searches | prompt tokens | output tokens | est. cost (USD) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range []costRow{silent, notify, deep} {
		fmt.Printf("| %s | %d | %d | %d | %d | %.4f |\n", r.name, r.calls, r.usage.SearchQueries, r.usage.PromptTokens,
			r.usage.OutputTokens, r.usage.CostUSD)
	}
	fmt.Println()
	fmt.Println("| a watch for 30 days | runs | est. cost (USD) |")
	fmt.Println("|---|---:|---:|")
	monthRow := func(name string, every time.Duration, r costRow) {
		runs := int(month / every)
		fmt.Printf("| %s | %d | %.2f |\n", name, runs, float64(runs)*r.usage.CostUSD)
	}
	monthRow(fmt.Sprintf("routine, the agent picks when (every %s in the scenarios)", silent.gap.Round(time.Minute)), silent.gap, silent)
	monthRow("routine, checked hourly (`0 * * * *`)", time.Hour, silent)
	monthRow(fmt.Sprintf("deep, the agent picks when (every %s)", deep.gap.Round(time.Minute)), deep.gap, deep)
	monthRow("deep, checked hourly", time.Hour, deep)
	fmt.Printf("| ratio: hourly / agent's pick, routine | %.0f× | |\n", float64(month/time.Hour)/float64(month/silent.gap))
}

// steppedModels answers the n-th search as models[n] would (the last one after that), token
// counts included, and every decision as the last model: the deep-run scenario of
// deep_test.go, priced like the routine ones.
func steppedModels(models ...*geminitest.Model) geminitest.Handler {
	searches := 0
	return func(req geminitest.Request) geminitest.Response {
		m := models[len(models)-1]
		if req.Grounded {
			m = models[min(searches, len(models)-1)]
			searches++
		}
		return m.Handle(req)
	}
}
