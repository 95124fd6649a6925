package doc

import (
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// Step is one entry of execution_steps.steps; only its kind's fields are written.
type Step struct {
	Kind         string    `json:"kind"`
	Attempt      int       `json:"attempt,omitempty"`
	At           time.Time `json:"at"`
	DurationMS   int64     `json:"duration_ms"`
	Purpose      string    `json:"purpose,omitempty"`
	Queries      []string  `json:"queries,omitempty"`
	Results      int       `json:"results,omitempty"`
	URL          string    `json:"url,omitempty"`
	Status       int       `json:"status,omitempty"`
	Bytes        int64     `json:"bytes,omitempty"`
	Model        string    `json:"model,omitempty"`
	PromptTokens int       `json:"prompt_tokens,omitempty"`
	OutputTokens int       `json:"output_tokens,omitempty"`
	CostUSD      float64   `json:"cost_usd,omitempty"`
	Notifies     bool      `json:"notifies,omitempty"`
	Confidence   int       `json:"confidence,omitempty"`
	Silence      string    `json:"silence_reason,omitempty"`
	Failure      string    `json:"failure,omitempty"`
}

// FromSteps is the stored form of steps; nil is stored as [].
func FromSteps(steps []task.Step) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		out[i] = Step{Kind: string(s.Kind), Attempt: s.Attempt, At: s.At.UTC(), DurationMS: s.Duration.Milliseconds(),
			Purpose: s.Purpose, Queries: s.Queries, Results: s.Results, URL: s.URL, Status: s.Status, Bytes: s.Bytes,
			Model: s.Model, PromptTokens: s.PromptTokens, OutputTokens: s.OutputTokens, CostUSD: s.CostUSD,
			Notifies: s.Notifies, Confidence: s.Confidence, Silence: string(s.Silence), Failure: s.Failure}
	}
	return out
}

// TaskSteps returns stored steps as the task package has them; never nil.
func TaskSteps(steps []Step) []task.Step {
	out := make([]task.Step, len(steps))
	for i, s := range steps {
		out[i] = task.Step{Kind: task.StepKind(s.Kind), Attempt: s.Attempt, At: s.At,
			Duration: time.Duration(s.DurationMS) * time.Millisecond, Purpose: s.Purpose, Queries: s.Queries,
			Results: s.Results, URL: s.URL, Status: s.Status, Bytes: s.Bytes, Model: s.Model,
			PromptTokens: s.PromptTokens, OutputTokens: s.OutputTokens, CostUSD: s.CostUSD, Notifies: s.Notifies,
			Confidence: s.Confidence, Silence: task.SilenceReason(s.Silence), Failure: s.Failure}
	}
	return out
}

// Finding is findings.body: one piece of what a run's decision saw.
type Finding struct {
	Kind  string `json:"kind"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
	Read  bool   `json:"read,omitempty"`
}
