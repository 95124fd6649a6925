package task

import "time"

// StepKind is what one step of a run did.
type StepKind string

// The kinds of step a run's trail records.
const (
	// StepSearch is one search: the queries it ran and how many pages it returned.
	StepSearch StepKind = "search"
	// StepPage is one page read: its address, HTTP status, size and time, or why it failed.
	StepPage StepKind = "page"
	// StepModel is one model call: model, tokens, cost and latency.
	StepModel StepKind = "model"
	// StepDecision is the run's decision: whether it notifies, how sure, or why it stayed silent.
	StepDecision StepKind = "decision"
	// StepRetry is a call or a whole run tried again, with the reason.
	StepRetry StepKind = "retry"
)

// Step is one thing a run did, in the order it did it, so a run can be explained: what it
// searched, which pages it read (and why some could not be), what each model call cost, what
// it decided and what it tried again. Only the fields of its kind are set. A run's steps'
// tokens and costs add up to its Usage.
type Step struct {
	Kind StepKind
	// Attempt is the run's attempt that took the step (set by the runner).
	Attempt int
	// At is when the step began; Duration how long it took.
	At       time.Time
	Duration time.Duration
	// Purpose says what a model call or a retry was for ("search", "decide").
	Purpose string
	// Queries are a search's queries; Results how many pages it returned.
	Queries []string
	Results int
	// URL is the page read; Status its final HTTP status (0 when none came); Bytes the body's
	// size as read.
	URL    string
	Status int
	Bytes  int64
	// Model, tokens and cost of a model call; a search's query fees are in CostUSD too.
	Model        string
	PromptTokens int
	OutputTokens int
	CostUSD      float64
	// Notifies, Confidence and Silence are the decision's.
	Notifies   bool
	Confidence int
	Silence    SilenceReason
	// Failure says in plain words why the step failed ("the page is larger than 2 MiB"); empty
	// when it did not. For a retry it is what failed before it.
	Failure string
}

// Finding is one piece of what a run's decision saw: the search's report, or one page with
// the text the search or a read gave of it. Findings are kept for a while (stored once per
// content), so a run can be explained and replayed.
type Finding struct {
	// Kind is "report" (the search's own summary) or "page".
	Kind  string
	URL   string
	Title string
	Text  string
	// Read says the page was read directly rather than quoted by the search.
	Read bool
}

// MaxFindingsBytes caps the text of the findings one run keeps: a deep run reads up to a dozen
// pages, and keeping them whole would make findings the largest thing Torale stores.
const MaxFindingsBytes = 64 << 10
