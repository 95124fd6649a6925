// Package agent is the seam between a run and whatever decides it: the runner hands an Input to
// an Agent and gets a task.Result back. The real agent is in gemini (a search step, by Google
// Search grounding or perplexity, then a structured decision checked by verdict, with prompts
// from prompt); memory keeps the facts already reported; remote calls the agent function over
// HTTP; tests use agenttest's scripted fake and the httptest fakes in geminitest,
// perplexitytest and mem0test.
package agent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// Input is everything an agent may know about one run. It is also the body the agent function
// accepts, hence the JSON names.
type Input struct {
	SearchQuery          string
	ConditionDescription string
	Timezone             string
	NotifyBehavior       task.NotifyBehavior
	Now                  time.Time
	// Recent holds the last successful runs' results, newest first.
	Recent []task.Result
	// Memory holds facts already reported for this task.
	Memory []string
	// URLs are pages the watch lists, read on every run beside the search.
	URLs []string
	// Context is background the user gave; it reaches a model only fenced, as data.
	Context string
	// Depth is how much research the run does: task.DepthDeep allows several searches that
	// refine each other before the decision; empty or task.DepthRoutine is one search.
	Depth task.Depth
}

// Output is a decided run and what it cost. An agent that fails still returns the Usage of the
// calls it made, so failed attempts are costed too.
type Output struct {
	Result task.Result
	Usage  task.Usage
	// Facts are the new facts a notifying result reports, for the task's memory; empty when the
	// result does not notify.
	Facts []string
	// Silence is why a result that does not notify stayed silent (see task.SilenceReason);
	// empty when it notifies. The runner records it on the execution.
	Silence task.SilenceReason
	// Steps are what the run did, in order (see task.Step), failed runs too; their tokens and
	// costs add up to Usage.
	Steps []task.Step
	// Findings are what the decision saw (the search's report and the pages), capped by
	// CapFindings; empty when the run failed before deciding.
	Findings []task.Finding
}

// Agent decides one run. It returns an *Error for failures the runner should classify.
type Agent interface {
	Run(ctx context.Context, in Input) (Output, error)
}

// Error is an agent failure with a category, a message a user may read, and whether trying
// again later could help.
type Error struct {
	Category  task.ErrorCategory
	Message   string // safe to show the user
	Retryable bool
	Err       error // internal detail, logged and stored, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// AsError classifies any error from Run: an *Error as it is; a deadline as a retryable
// timeout; anything else as a retryable system failure.
func AsError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Category: task.CategoryTimeout, Message: "the check took too long and was stopped", Retryable: true, Err: err}
	}
	return &Error{Category: task.CategorySystem, Message: "the check failed unexpectedly", Retryable: true, Err: err}
}

// Unconfigured is the agent of a deployment with no model provider: every run fails at once,
// with a message that says how to fix it.
type Unconfigured struct{}

// ErrUnconfigured is the message users see when no provider key is set.
const ErrUnconfigured = "agent not configured: set GEMINI_API_KEY"

// Run fails permanently.
func (Unconfigured) Run(context.Context, Input) (Output, error) {
	return Output{}, &Error{Category: task.CategorySystem, Message: ErrUnconfigured}
}
