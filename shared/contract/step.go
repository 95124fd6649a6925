package contract

import (
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// Step is one step of a run's trail (task.Step): only its kind's fields are present.
type Step struct {
	Kind       task.StepKind `json:"kind"`
	Attempt    int           `json:"attempt"`
	At         time.Time     `json:"at"`
	DurationMS int64         `json:"duration_ms"`
	Purpose    string        `json:"purpose,omitempty"`
	Queries    []string      `json:"queries,omitempty"`
	Results    *int          `json:"results,omitempty"`
	URL        string        `json:"url,omitempty"`
	Status     int           `json:"status,omitempty"`
	Bytes      int64         `json:"bytes,omitempty"`
	Model      string        `json:"model,omitempty"`
	// Tokens and cost are present on model calls; a search carries its query fees in CostUSD.
	PromptTokens *int     `json:"prompt_tokens,omitempty"`
	OutputTokens *int     `json:"output_tokens,omitempty"`
	CostUSD      *float64 `json:"cost_usd,omitempty"`
	// Notifies, Confidence and SilenceReason are the decision's.
	Notifies      *bool              `json:"notifies,omitempty"`
	Confidence    *int               `json:"confidence,omitempty"`
	SilenceReason task.SilenceReason `json:"silence_reason,omitempty"`
	// Failure says in plain words why the step failed; absent when it did not.
	Failure string `json:"failure,omitempty"`
}

// StepOf is s on the wire and in the API.
func StepOf(s task.Step) Step {
	out := Step{Kind: s.Kind, Attempt: s.Attempt, At: s.At.UTC(), DurationMS: s.Duration.Milliseconds(), Purpose: s.Purpose,
		Queries: s.Queries, URL: s.URL, Status: s.Status, Bytes: s.Bytes, Model: s.Model, SilenceReason: s.Silence,
		Failure: s.Failure}
	switch s.Kind {
	case task.StepSearch:
		out.Results, out.CostUSD = &s.Results, &s.CostUSD
	case task.StepModel:
		out.PromptTokens, out.OutputTokens, out.CostUSD = &s.PromptTokens, &s.OutputTokens, &s.CostUSD
	case task.StepDecision:
		out.Notifies, out.Confidence = &s.Notifies, &s.Confidence
	}
	return out
}

// StepsOf is a run's trail, never null.
func StepsOf(steps []task.Step) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		out[i] = StepOf(s)
	}
	return out
}

// Task is the step read back.
func (s Step) Task() task.Step {
	out := task.Step{Kind: s.Kind, Attempt: s.Attempt, At: s.At, Duration: time.Duration(s.DurationMS) * time.Millisecond,
		Purpose: s.Purpose, Queries: s.Queries, URL: s.URL, Status: s.Status, Bytes: s.Bytes, Model: s.Model,
		Silence: s.SilenceReason, Failure: s.Failure}
	out.Results = deref(s.Results)
	out.PromptTokens, out.OutputTokens = deref(s.PromptTokens), deref(s.OutputTokens)
	out.CostUSD = deref(s.CostUSD)
	out.Notifies, out.Confidence = deref(s.Notifies), deref(s.Confidence)
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
