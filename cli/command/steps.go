package command

import (
	"fmt"
	"strings"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// printSteps lists a run's trail under its result, one line a step: what it did, how long,
// what it cost, and why it failed in the run's own words.
func printSteps(f *Factory, steps []contract.Step) error {
	if len(steps) == 0 {
		return nil
	}
	p := f.printer()
	pairs := make([][2]string, 0, len(steps))
	for i, s := range steps {
		parts := []string{stepWhat(s)}
		if s.DurationMS > 0 {
			parts = append(parts, fmt.Sprintf("%d ms", s.DurationMS))
		}
		if s.PromptTokens != nil && *s.PromptTokens+deref(s.OutputTokens) > 0 {
			parts = append(parts, fmt.Sprintf("%d+%d tokens", *s.PromptTokens, deref(s.OutputTokens)))
		}
		if s.CostUSD != nil && *s.CostUSD > 0 {
			parts = append(parts, fmt.Sprintf("$%.4f", *s.CostUSD))
		}
		if s.Failure != "" {
			parts = append(parts, "failed: "+s.Failure)
		}
		pairs = append(pairs, [2]string{fmt.Sprintf("step %d", i+1), p.cell(strings.Join(parts, " · "), 300)})
	}
	return p.fields(pairs)
}

func stepWhat(s contract.Step) string {
	switch s.Kind {
	case task.StepSearch:
		return fmt.Sprintf("search %q: %d pages", strings.Join(s.Queries, "; "), deref(s.Results))
	case task.StepPage:
		if s.Status > 0 {
			return fmt.Sprintf("page %s: HTTP %d, %d bytes", s.URL, s.Status, s.Bytes)
		}
		return "page " + s.URL
	case task.StepModel:
		return fmt.Sprintf("model %s (%s)", s.Model, s.Purpose)
	case task.StepDecision:
		if deref(s.Notifies) {
			return fmt.Sprintf("decision: notify, %d%% confidence", deref(s.Confidence))
		}
		return "decision: stay silent, " + s.SilenceReason.Words()
	case task.StepRetry:
		return "retry " + s.Purpose
	}
	return string(s.Kind)
}

func deref[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}
