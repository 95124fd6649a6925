package contract

import (
	"time"

	"github.com/google/uuid"
)

// AdminAction is one entry of the admin log: who did what to which account, and when. The ids
// are null once that account is deleted, and actor_id is null for an operator who worked on
// the database directly (torale admin grant).
type AdminAction struct {
	ID          uuid.UUID  `json:"id"`
	Action      string     `json:"action"`
	ActorID     *uuid.UUID `json:"actor_id"`
	ActorEmail  string     `json:"actor_email"`
	TargetID    *uuid.UUID `json:"target_id"`
	TargetEmail string     `json:"target_email"`
	// PausedTasks are the tasks a deactivation paused (empty for other actions).
	PausedTasks []uuid.UUID `json:"paused_tasks"`
	CreatedAt   time.Time   `json:"created_at"`
}

// AdminUserChange is the answer to an admin action on an account: the account as it is now,
// the logged action, and the tasks it paused or resumed.
type AdminUserChange struct {
	User   User        `json:"user"`
	Action AdminAction `json:"action"`
	// ResumedTasks are the tasks a reactivation resumed; NotResumed those it could not (with
	// the reason), such as a task over the active cap.
	ResumedTasks []uuid.UUID  `json:"resumed_tasks"`
	NotResumed   []TaskReason `json:"not_resumed"`
}

// TaskReason says why something was not done to one task.
type TaskReason struct {
	TaskID uuid.UUID `json:"task_id"`
	Reason string    `json:"reason"`
}

// ReactivateInput is the optional body of POST /admin/users/{id}/reactivate.
type ReactivateInput struct {
	// ResumeTasks resumes the tasks the latest deactivation paused; without it they stay paused.
	ResumeTasks bool `json:"resume_tasks,omitempty"`
}

// RoleInput is the body of POST /admin/users/{id}/role.
type RoleInput struct {
	Role Role `json:"role"`
}

// AccountDeletion is the body of DELETE /me: the confirmation that the caller means it.
type AccountDeletion struct {
	// Confirm must be the account's email address (any case), or its id when it has none.
	Confirm string `json:"confirm"`
}

// AccountDeleted is what DELETE /me answers once every row is gone.
type AccountDeleted struct {
	DeletedAt time.Time `json:"deleted_at"`
	// Tasks is how many tasks went, each with its scheduler job.
	Tasks int `json:"tasks"`
	// RevokedKeys is how many API keys were revoked before the rows went.
	RevokedKeys int `json:"revoked_keys"`
	// ConfirmationSentTo is the address the confirmation went to; empty when none was sent.
	ConfirmationSentTo string `json:"confirmation_sent_to"`
}

// Export is everything Torale holds about one user (GET /me/export), written as a stream in
// this order. Secrets are left out: webhook signing secrets, feed tokens, API key hashes.
type Export struct {
	ExportedAt time.Time `json:"exported_at"`
	Profile    User      `json:"profile"`
	// APIKeys are every key made, revoked ones too (prefixes only).
	APIKeys       []APIKey          `json:"api_keys"`
	Emails        []EmailAddress    `json:"emails"`
	Webhook       *ExportWebhook    `json:"webhook"`
	Feed          *ExportFeed       `json:"feed"`
	Tasks         []ExportTask      `json:"tasks"`
	Executions    []ExecutionDetail `json:"executions"`
	Notifications []ExportNotified  `json:"notifications"`
	Deliveries    []DeliveryLog     `json:"deliveries"`
	TaskMemory    []MemoryFact      `json:"task_memory"`
	PageSnapshots []PageSnapshot    `json:"page_snapshots"`
	AdminActions  []AdminAction     `json:"admin_actions"`
	// Templates are the user's own saved templates (the built-in gallery is everyone's).
	Templates []Template `json:"templates"`
	// Channels are the user's chat and push channels, their secret settings masked.
	Channels []Channel `json:"channels"`
	// Alerts are every failure alert about the user's watches, open and resolved, newest first.
	Alerts []Alert `json:"alerts"`
	// Complete is written last: an export without it was cut off and is not whole.
	Complete bool `json:"complete"`
}

// ExportWebhook is the default webhook's settings without its signing secret.
type ExportWebhook struct {
	URL               string            `json:"url"`
	Enabled           bool              `json:"enabled"`
	RotatedAt         *time.Time        `json:"rotated_at"`
	CreatedAt         time.Time         `json:"created_at"`
	UpdatedAt         time.Time         `json:"updated_at"`
	DisabledEndpoints []DisabledWebhook `json:"disabled_endpoints"`
	// HeaderNames name the custom headers sent with each delivery; their values are secrets.
	HeaderNames []string `json:"header_names"`
}

// ExportFeed says the user has feed URLs, without the token that makes them.
type ExportFeed struct {
	CreatedAt time.Time `json:"created_at"`
}

// ExportTask is a task as its owner defined it, with its private context.
type ExportTask struct {
	Task
	Context string `json:"context"`
}

// ExportNotified is one notification a run made.
type ExportNotified struct {
	ExecutionID  uuid.UUID  `json:"execution_id"`
	TaskID       uuid.UUID  `json:"task_id"`
	Notification string     `json:"notification"`
	FinishedAt   *time.Time `json:"finished_at"`
}

// MemoryFact is a fact a task already reported, kept so it does not notify twice.
type MemoryFact struct {
	ID          uuid.UUID  `json:"id"`
	TaskID      uuid.UUID  `json:"task_id"`
	ExecutionID *uuid.UUID `json:"execution_id"`
	Fact        string     `json:"fact"`
	CreatedAt   time.Time  `json:"created_at"`
}

// PageSnapshot is the last text a change-mode task read from one page.
type PageSnapshot struct {
	TaskID    uuid.UUID `json:"task_id"`
	URL       string    `json:"url"`
	Text      string    `json:"text"`
	UpdatedAt time.Time `json:"updated_at"`
}
