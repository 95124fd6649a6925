package task

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Task is a stored watch: what to look for, when, and whom to tell.
type Task struct {
	ID                   uuid.UUID      `json:"id"`
	UserID               uuid.UUID      `json:"-"`
	Name                 string         `json:"name"`
	NameIsDefault        bool           `json:"-"`
	SearchQuery          string         `json:"search_query"`
	ConditionDescription string         `json:"condition_description"`
	Schedule             string         `json:"schedule"`
	Timezone             string         `json:"timezone"`
	NotifyBehavior       NotifyBehavior `json:"notify_behavior"`
	Notifications        []Notification `json:"notifications"`
	State                State          `json:"state"`
	NextRunAt            *time.Time     `json:"next_run_at"`
	LastRunAt            *time.Time     `json:"last_run_at"`
	LastExecutionID      *uuid.UUID     `json:"-"`
	CreatedAt            time.Time      `json:"created_at"`
	UpdatedAt            time.Time      `json:"updated_at"`
	StateChangedAt       time.Time      `json:"state_changed_at"`
}

// Trigger says why an execution ran.
type Trigger string

// The triggers an execution can have.
const (
	TriggerSchedule Trigger = "schedule"
	TriggerManual   Trigger = "manual"
)

// Status is where an execution is in its life.
type Status string

// The statuses of an execution. Success, Failed and Cancelled are final.
const (
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusSuccess   Status = "success"
	StatusRetrying  Status = "retrying"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Final reports whether an execution in status s will never run again.
func (s Status) Final() bool {
	return s == StatusSuccess || s == StatusFailed || s == StatusCancelled
}

// ErrorCategory groups failures so users and operators see why runs fail.
type ErrorCategory string

// The categories of a failed run.
const (
	CategoryRateLimit ErrorCategory = "rate_limit"
	CategoryTimeout   ErrorCategory = "timeout"
	CategoryNetwork   ErrorCategory = "network"
	CategoryAgent     ErrorCategory = "agent"
	CategoryUser      ErrorCategory = "user"
	CategorySystem    ErrorCategory = "system"
)

// Source is a web page that backs a result; it always comes from the search, never the model.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Result is what the agent decided on one run.
type Result struct {
	Evidence     string     `json:"evidence"`
	Sources      []Source   `json:"sources"`
	Confidence   int        `json:"confidence"`
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

// Notifies reports whether the result carries something worth telling the user.
func (r *Result) Notifies() bool {
	return r != nil && r.Notification != nil && *r.Notification != ""
}

// Usage is what a run cost: model, tokens, searches and an estimate in US dollars.
type Usage struct {
	Model         string  `json:"model"`
	PromptTokens  int     `json:"prompt_tokens"`
	OutputTokens  int     `json:"output_tokens"`
	SearchQueries int     `json:"search_queries"`
	CostUSD       float64 `json:"cost_usd"`
}

// Execution is one run of a task.
type Execution struct {
	ID            uuid.UUID     `json:"id"`
	TaskID        uuid.UUID     `json:"task_id"`
	UserID        uuid.UUID     `json:"-"`
	ScheduledFor  *time.Time    `json:"scheduled_for"`
	Trigger       Trigger       `json:"trigger"`
	Status        Status        `json:"status"`
	Attempt       int           `json:"attempt"`
	CreatedAt     time.Time     `json:"created_at"`
	StartedAt     *time.Time    `json:"started_at"`
	FinishedAt    *time.Time    `json:"finished_at"`
	DeadlineAt    *time.Time    `json:"-"`
	Result        *Result       `json:"result"`
	Error         string        `json:"error,omitempty"`
	InternalError string        `json:"-"`
	ErrorCategory ErrorCategory `json:"error_category,omitempty"`
	Usage         Usage         `json:"usage"`
}

// DeliveryStatus is where a notification delivery is.
type DeliveryStatus string

// The statuses of a delivery. Delivered and Failed are final.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Delivery is one notification owed on one channel: a row of the outbox.
type Delivery struct {
	ID            uuid.UUID      `json:"id"`
	ExecutionID   uuid.UUID      `json:"execution_id"`
	TaskID        uuid.UUID      `json:"task_id"`
	UserID        uuid.UUID      `json:"-"`
	Channel       ChannelType    `json:"channel"`
	Target        string         `json:"target"`
	Status        DeliveryStatus `json:"status"`
	Attempts      int            `json:"attempts"`
	NextAttemptAt time.Time      `json:"next_attempt_at"`
	LastError     string         `json:"last_error,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	DeliveredAt   *time.Time     `json:"delivered_at"`
}
