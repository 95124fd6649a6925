package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Task is the fields every view of a task shares. It is not a body of its own: TaskView and
// AdminTask embed it, so the two cannot drift apart.
type Task struct {
	ID                   uuid.UUID           `json:"id"`
	Name                 string              `json:"name"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Schedule             string              `json:"schedule"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Depth                task.Depth          `json:"depth"`
	Notifications        []Notification      `json:"notifications"`
	// URLs are the pages every run reads beside the search; always a list.
	URLs []string `json:"urls"`
	// Mode is "agent" (search and a model decide) or "change" (notify when a page's text
	// changes; no model), fixed at creation.
	Mode           task.Mode  `json:"mode"`
	State          task.State `json:"state"`
	NextRunAt      *time.Time `json:"next_run_at"`
	LastRunAt      *time.Time `json:"last_run_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	StateChangedAt time.Time  `json:"state_changed_at"`
}

// TaskView is a task as its owner sees it, with its latest run.
type TaskView struct {
	Task
	LastExecution *Execution `json:"last_execution"`
	// MonthSpendUSD is what the task's runs cost this calendar month (UTC), in US dollars; 0
	// when nothing was spent. Every view carries it, lists included.
	MonthSpendUSD float64 `json:"month_spend_usd"`
	// NextRunReason says why next_run_at is when it is.
	NextRunReason NextRunReason `json:"next_run_reason"`
	// Context is the background the owner gave the agent. Only the owner's view carries it:
	// it is private, so the admin console and any public view leave it out.
	Context string `json:"context"`
	// SilenceSummary counts why the task's recent runs notified nobody.
	SilenceSummary SilenceSummary `json:"silence_summary"`
	// Public says anyone may read the watch at /p/{public_slug}; the slug is made at the first
	// publish and kept (null before). PublicContextOK is the owner's confirmation that the
	// context may shape public results; PublishedAt the latest publish.
	Public          bool       `json:"public"`
	PublicSlug      *string    `json:"public_slug"`
	PublicContextOK bool       `json:"public_context_ok"`
	PublishedAt     *time.Time `json:"published_at"`
	// MonthlyBudgetUSD caps what the task's runs may cost in a calendar month; null when the
	// task has no budget of its own (the owner's monthly cap still applies).
	MonthlyBudgetUSD *float64 `json:"monthly_budget_usd"`
	// OpenAlerts are the task's alerts that are not over, oldest first; usually none.
	OpenAlerts []Alert `json:"open_alerts"`
}

// SilenceSummary counts why a task's most recent finished runs (up to the last 50) stayed
// silent, with a sentence to show: "12 silent runs: 9 nothing new, 2 low confidence, 1 failed".
type SilenceSummary struct {
	// Runs is how many finished runs were counted; Silent how many notified nobody.
	Runs   int `json:"runs"`
	Silent int `json:"silent"`
	// ByReason counts silent runs by reason; reasons with no runs are left out, as are silent
	// runs recorded before reasons were.
	ByReason map[task.SilenceReason]int `json:"by_reason"`
	// Sentence is empty when no run was silent.
	Sentence string `json:"sentence"`
}

// NextRunReason says why a task's next run is when it is: what decided it, and a sentence a
// person can read (the schedule in words, the agent's choice, a retry, a new task, or no run at
// all for a paused or completed task).
type NextRunReason struct {
	Kind    task.NextRunKind `json:"kind"`
	Summary string           `json:"summary"`
}

// AdminTask is any user's task with its owner, as the admin console lists it.
type AdminTask struct {
	Task
	UserID uuid.UUID `json:"user_id"`
}

// Notification is one place a task's alerts go: an email address, a webhook (an empty URL
// means the user's default webhook), or a saved chat or push channel.
type Notification struct {
	Type    task.ChannelType `json:"type"`
	Address string           `json:"address,omitempty"`
	URL     string           `json:"url,omitempty"`
	// ChannelID names one of the user's saved channels (type "channel"); empty means every
	// channel the user marked as a default.
	ChannelID string `json:"channel_id,omitempty"`
}

// TaskInput is the body of POST /tasks and POST /tasks/preview. Empty fields take the
// defaults task.Draft documents.
type TaskInput struct {
	Name                 string              `json:"name,omitempty"`
	SearchQuery          string              `json:"search_query,omitempty"`
	ConditionDescription string              `json:"condition_description,omitempty"`
	Schedule             string              `json:"schedule,omitempty"`
	Timezone             string              `json:"timezone,omitempty"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior,omitempty"`
	// Depth is "routine" (default: one search) or "deep" (several searches, up to minutes).
	Depth         task.Depth     `json:"depth,omitempty"`
	Notifications []Notification `json:"notifications,omitempty"`
	// RunImmediately nil means true.
	RunImmediately *bool `json:"run_immediately,omitempty"`
	// URLs are pages every run reads (at most 10); Context is background for the agent.
	URLs    []string `json:"urls,omitempty"`
	Context string   `json:"context,omitempty"`
	// Mode is "agent" or "change"; when absent, a task listing urls gets "change" if no model
	// is configured, else "agent".
	Mode task.Mode `json:"mode,omitempty"`
	// TemplateID starts the task from a template (GET /templates): its definition, with every
	// field given here taking precedence.
	TemplateID string `json:"template_id,omitempty"`
	// MonthlyBudgetUSD, when set, caps what the task's runs may cost in a calendar month.
	MonthlyBudgetUSD *float64 `json:"monthly_budget_usd,omitempty"`
}

// TaskPatch is the body of PATCH /tasks/{id}: nil fields stay as they are, so a client sends
// only what it changes.
type TaskPatch struct {
	Name                 *string              `json:"name,omitempty"`
	SearchQuery          *string              `json:"search_query,omitempty"`
	ConditionDescription *string              `json:"condition_description,omitempty"`
	Schedule             *string              `json:"schedule,omitempty"`
	Timezone             *string              `json:"timezone,omitempty"`
	NotifyBehavior       *task.NotifyBehavior `json:"notify_behavior,omitempty"`
	Depth                *task.Depth          `json:"depth,omitempty"`
	// Notifications, when set, replaces the whole list; an empty list removes every channel.
	Notifications *[]Notification `json:"notifications,omitempty"`
	State         *task.State     `json:"state,omitempty"`
	// URLs, when set, replaces the whole list; an empty list reads no page.
	URLs    *[]string `json:"urls,omitempty"`
	Context *string   `json:"context,omitempty"`
	// Public publishes (true) or hides (false) the watch. A watch with a context is published,
	// or its context changed while public, only with PublicContextOK true in the same request.
	Public          *bool `json:"public,omitempty"`
	PublicContextOK *bool `json:"public_context_ok,omitempty"`
	// MonthlyBudgetUSD, when set, replaces the task's monthly budget; 0 removes it.
	MonthlyBudgetUSD *float64 `json:"monthly_budget_usd,omitempty"`
}

// StateInput is the body of POST /admin/tasks/{id}/state.
type StateInput struct {
	State task.State `json:"state"`
}

// Preview is what the agent decided for an unsaved task (POST /tasks/preview), and its cost.
type Preview struct {
	Result Result `json:"result"`
	Usage  Usage  `json:"usage"`
}
