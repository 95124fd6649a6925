package contract

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Execution is one run of a task.
type Execution struct {
	ID           uuid.UUID    `json:"id"`
	TaskID       uuid.UUID    `json:"task_id"`
	ScheduledFor *time.Time   `json:"scheduled_for"`
	Trigger      task.Trigger `json:"trigger"`
	Status       task.Status  `json:"status"`
	Attempt      int          `json:"attempt"`
	CreatedAt    time.Time    `json:"created_at"`
	StartedAt    *time.Time   `json:"started_at"`
	FinishedAt   *time.Time   `json:"finished_at"`
	Result       *Result      `json:"result"`
	// Error is the user-facing reason a run failed; the internal text is for admins only.
	Error         string             `json:"error,omitempty"`
	ErrorCategory task.ErrorCategory `json:"error_category,omitempty"`
	// SilenceReason says why a finished run notified nobody; null for a run that notified, one
	// not finished, and runs recorded before reasons were. The evidence has the sentence.
	SilenceReason *task.SilenceReason `json:"silence_reason"`
	Usage         Usage               `json:"usage"`
}

// ExecutionDetail is one run as GET /executions/{id} shows it: with its trail, the steps of
// every attempt in order (empty for a run that recorded none). Lists of runs leave it out.
type ExecutionDetail struct {
	Execution
	Steps []Step `json:"steps"`
}

// AdminExecution is any user's run with its owner and the internal error users never see.
type AdminExecution struct {
	Execution
	UserID        uuid.UUID `json:"user_id"`
	InternalError string    `json:"internal_error,omitempty"`
}

// Result is what the agent decided on one run.
type Result struct {
	Evidence string   `json:"evidence"`
	Sources  []Source `json:"sources"`
	// Confidence is from 0 to 100.
	Confidence int `json:"confidence"`
	// Notification is the message sent to the user; nil when the condition is not met.
	Notification *string    `json:"notification"`
	NextRun      *time.Time `json:"next_run"`
	Topic        string     `json:"topic"`
}

// MarshalJSON writes sources as a list even when there are none, so clients never see null.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Sources == nil {
		r.Sources = []Source{}
	}
	return json.Marshal(plain(r))
}

// Source is a web page that backs a result; it comes from the search, never the model.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Usage is what a run cost: model, tokens, searches and an estimate in US dollars.
type Usage struct {
	Model         string  `json:"model"`
	PromptTokens  int     `json:"prompt_tokens"`
	OutputTokens  int     `json:"output_tokens"`
	SearchQueries int     `json:"search_queries"`
	CostUSD       float64 `json:"cost_usd"`
}

// Notifies reports whether the result carries something worth telling the user, as the
// server decides it, so clients mark the same runs.
func (r *Result) Notifies() bool {
	return r != nil && r.Notification != nil && *r.Notification != ""
}
