package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// ReconcileReport is what one reconcile pass (POST /admin/reconcile) found and did.
type ReconcileReport struct {
	// Mode is "cloudscheduler" or "sweep".
	Mode       string    `json:"mode"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Jobs is nil in sweep mode, where tasks have no jobs.
	Jobs                     *ReconcileJobCounts `json:"jobs"`
	RunsFailed               int64               `json:"runs_failed"`
	NextRunsRepaired         int                 `json:"next_runs_repaired"`
	RunsRetriggered          int                 `json:"runs_retriggered"`
	OverdueRetriggered       int                 `json:"overdue_retriggered"`
	NotificationsRepublished int                 `json:"notifications_republished"`
	// Errors lists the steps that failed; the others ran.
	Errors []string `json:"errors"`
}

// TickResult is the tick function's answer to Cloud Scheduler: how many due tasks it triggered
// and, when a reconcile pass was due, what the pass did. Cloud Scheduler only logs it.
type TickResult struct {
	Triggered int `json:"triggered"`
	// ExpiredRuns is how many runs past TORALE_EXECUTION_RETENTION the tick deleted.
	ExpiredRuns int              `json:"expired_runs,omitempty"`
	Reconciled  *ReconcileReport `json:"reconciled,omitempty"`
}

// ReconcileJobCounts says what a reconcile pass did to Cloud Scheduler jobs.
type ReconcileJobCounts struct {
	Checked int `json:"checked"`
	Created int `json:"created"`
	Updated int `json:"updated"`
	Paused  int `json:"paused"`
	Resumed int `json:"resumed"`
	Deleted int `json:"deleted"`
}

// SchedulerJobs is the scheduler's mode and its per-task jobs (GET /admin/scheduler/jobs).
type SchedulerJobs struct {
	Mode    string         `json:"mode"`
	Drifted int            `json:"drifted"`
	Jobs    []SchedulerJob `json:"jobs"`
}

// SchedulerJob is a task's Cloud Scheduler job, or a task that needs one, with its drift.
type SchedulerJob struct {
	Job       string     `json:"job"`
	TaskID    *uuid.UUID `json:"task_id"`
	UserID    *uuid.UUID `json:"user_id"`
	TaskState task.State `json:"task_state,omitempty"`
	NextRunAt *time.Time `json:"next_run_at"`
	// Actual is the job as Cloud Scheduler has it (nil when missing); Want is what the task
	// needs (nil for an orphan).
	Actual *JobState `json:"actual"`
	Want   *JobState `json:"want"`
	// Drift is empty when the job is in step.
	Drift []string `json:"drift"`
}

// JobState is a job's schedule and state.
type JobState struct {
	Schedule string `json:"schedule"`
	TimeZone string `json:"time_zone"`
	// State is ENABLED, PAUSED, DISABLED or UPDATE_FAILED.
	State string `json:"state"`
}
