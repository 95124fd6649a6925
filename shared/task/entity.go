package task

import (
	"time"

	"github.com/google/uuid"
)

// Task is a stored watch: what to look for, when, and whom to tell.
type Task struct {
	ID                   uuid.UUID
	UserID               uuid.UUID
	Name                 string
	NameIsDefault        bool
	SearchQuery          string
	ConditionDescription string
	Schedule             string
	Timezone             string
	NotifyBehavior       NotifyBehavior
	// Depth is how much research each run does (DepthRoutine or DepthDeep).
	Depth         Depth
	Notifications []Notification
	State         State
	NextRunAt     *time.Time
	// NextRunCause is what set NextRunAt.
	NextRunCause    NextRunCause
	LastRunAt       *time.Time
	LastExecutionID *uuid.UUID
	// URLs are pages every run reads, beside the search (at most 10).
	URLs []string
	// Context is background the user gave the agent; private to the owner.
	Context string
	// Mode is how runs decide (ModeAgent or ModeChange), fixed at creation.
	Mode Mode
	// Public says the owner published the watch: anyone may read it at PublicSlug, which is made
	// at the first publish and kept. PublicContextOK records that the owner confirmed the
	// private Context may shape the public results; PublishedAt is the latest publish.
	Public          bool
	PublicSlug      string
	PublicContextOK bool
	PublishedAt     *time.Time
	// MonthlyBudgetUSD, when set, caps what the task's runs may cost in a calendar month (UTC).
	MonthlyBudgetUSD *float64
	// RunReads are what a run reads besides the task, when the reader of the task read them
	// with it (the gate); nil when it did not, and then the run reads them for itself.
	RunReads       *RunReads
	CreatedAt      time.Time
	UpdatedAt      time.Time
	StateChangedAt time.Time
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
	URL   string
	Title string
}

// Result is what the agent decided on one run.
type Result struct {
	Evidence     string
	Sources      []Source
	Confidence   int
	Notification *string
	NextRun      *time.Time
	Topic        string
}

// Notifies reports whether the result carries something worth telling the user.
func (r *Result) Notifies() bool {
	return r != nil && r.Notification != nil && *r.Notification != ""
}

// Usage is what a run cost: model, tokens, searches and an estimate in US dollars.
type Usage struct {
	Model         string
	PromptTokens  int
	OutputTokens  int
	SearchQueries int
	CostUSD       float64
}

// Execution is one run of a task.
type Execution struct {
	ID            uuid.UUID
	TaskID        uuid.UUID
	UserID        uuid.UUID
	ScheduledFor  *time.Time
	Trigger       Trigger
	Status        Status
	Attempt       int
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
	DeadlineAt    *time.Time
	Result        *Result
	Error         string
	InternalError string
	ErrorCategory ErrorCategory
	// SilenceReason is why a finished run notified nobody; empty for a run that notified, one
	// still going, and runs recorded before reasons were.
	SilenceReason SilenceReason
	Usage         Usage
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
	ID uuid.UUID
	// ExecutionID is the run that notified; uuid.Nil for an alert's message, which has AlertID
	// and AlertPhase instead.
	ExecutionID   uuid.UUID
	AlertID       *uuid.UUID
	AlertPhase    AlertPhase
	TaskID        uuid.UUID
	UserID        uuid.UUID
	Channel       ChannelType
	Target        string
	Status        DeliveryStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   *time.Time
	// RedeliveryOf is the delivery this one sends again, nil for a run's own delivery.
	RedeliveryOf *uuid.UUID
}
