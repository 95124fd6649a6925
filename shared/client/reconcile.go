package client

import (
	"context"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// ReconcileReport is what one reconcile pass found and did (see shared/reconcile).
type ReconcileReport struct {
	Mode       string    `json:"mode"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Jobs is nil in sweep mode, where tasks have no jobs.
	Jobs *struct {
		Checked int `json:"checked"`
		Created int `json:"created"`
		Updated int `json:"updated"`
		Paused  int `json:"paused"`
		Resumed int `json:"resumed"`
		Deleted int `json:"deleted"`
	} `json:"jobs"`
	RunsFailed               int64    `json:"runs_failed"`
	NextRunsRepaired         int      `json:"next_runs_repaired"`
	RunsRetriggered          int      `json:"runs_retriggered"`
	OverdueRetriggered       int      `json:"overdue_retriggered"`
	NotificationsRepublished int      `json:"notifications_republished"`
	Errors                   []string `json:"errors"`
}

// SchedulerJob is a task's Cloud Scheduler job, or a task that needs one, with its drift.
type SchedulerJob struct {
	Job       string     `json:"job"`
	TaskID    *uuid.UUID `json:"task_id"`
	UserID    *uuid.UUID `json:"user_id"`
	TaskState string     `json:"task_state"`
	NextRunAt *time.Time `json:"next_run_at"`
	Actual    *JobState  `json:"actual"`
	Want      *JobState  `json:"want"`
	Drift     []string   `json:"drift"`
}

// JobState is a job's schedule and state.
type JobState struct {
	Schedule string `json:"schedule"`
	TimeZone string `json:"time_zone"`
	State    string `json:"state"`
}

// SchedulerJobs is the scheduler's mode and its jobs.
type SchedulerJobs struct {
	Mode    string         `json:"mode"`
	Drifted int            `json:"drifted"`
	Jobs    []SchedulerJob `json:"jobs"`
}

// AdminReconcile runs a reconcile pass now and returns its report.
func (c *Client) AdminReconcile(ctx context.Context) (ReconcileReport, error) {
	var r ReconcileReport
	return r, c.do(ctx, "POST", "/api/v1/admin/reconcile", nil, nil, &r)
}

// AdminSchedulerJobs lists the per-task jobs with their drift against the database; onlyDrift
// leaves out the jobs in step.
func (c *Client) AdminSchedulerJobs(ctx context.Context, onlyDrift bool) (SchedulerJobs, error) {
	var v url.Values
	if onlyDrift {
		v = url.Values{"drift": {"true"}}
	}
	var out SchedulerJobs
	return out, c.do(ctx, "GET", "/api/v1/admin/scheduler/jobs", v, nil, &out)
}
