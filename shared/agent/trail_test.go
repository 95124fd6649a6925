package agent_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/task"
)

func TestCapFindingsKeepsTheFirstWithinTheCap(t *testing.T) {
	big := strings.Repeat("é", task.MaxFindingsBytes/2) // MaxFindingsBytes bytes of two-byte runes
	fs := []task.Finding{{Kind: "report", Text: "short"}, {Kind: "page", URL: "a", Text: big}, {Kind: "page", URL: "b", Text: "dropped"}}
	got := agent.CapFindings(fs)
	require.Len(t, got, 2, "the finding past the cap is dropped")
	require.Equal(t, "short", got[0].Text)
	require.Equal(t, task.MaxFindingsBytes-len("short")-1, len(got[1].Text), "cut on a rune boundary")
	require.True(t, strings.HasPrefix(big, got[1].Text))
	total := 0
	for _, f := range got {
		total += len(f.Text)
	}
	require.LessOrEqual(t, total, task.MaxFindingsBytes)
	require.Equal(t, fs[:1], agent.CapFindings(fs[:1]), "findings under the cap are kept whole")
}

func TestTrailRecordsThroughTheContext(t *testing.T) {
	agent.Record(context.Background(), task.Step{Kind: task.StepSearch}) // no trail: nothing happens
	ctx, trail := agent.WithTrail(context.Background())
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { agent.Record(ctx, task.Step{Kind: task.StepPage}) })
	}
	wg.Wait()
	agent.Record(ctx, task.Step{Kind: task.StepDecision})
	steps := trail.Steps()
	require.Len(t, steps, 11)
	require.Equal(t, task.StepDecision, steps[10].Kind)
}
