package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/task"
)

// JobPrefix starts the ID of every job Torale owns; reconcile deletes any such job whose task
// no longer needs one, and leaves every other job in the location alone.
const JobPrefix = "task-"

// JobSpec is the Cloud Scheduler job a task needs.
type JobSpec struct {
	TaskID   uuid.UUID
	Name     string // projects/P/locations/L/jobs/task-<uuid>
	Schedule string // unix-cron
	TimeZone string
	Paused   bool
	Data     []byte // the run-task message the job publishes
}

// Drift names how a job differs from what its task needs.
type Drift string

// The kinds of drift reconcile repairs.
const (
	DriftMissing  Drift = "missing"    // the task needs a job and has none
	DriftOrphan   Drift = "orphan"     // a task-* job whose task is gone or completed
	DriftSchedule Drift = "schedule"   // schedule or time zone differ
	DriftTarget   Drift = "target"     // topic or message differ
	DriftPaused   Drift = "paused"     // the job is paused, its task is active
	DriftEnabled  Drift = "not_paused" // the job runs, its task is paused
	DriftState    Drift = "state"      // the job is disabled or a past update failed
)

const (
	utcZone        = "Etc/UTC"     // one-off jobs are written in UTC: no DST ambiguity
	descriptorHint = "@"           // the start of @hourly and its kin
	minute         = time.Minute   // a job's resolution
	jobDescription = "Torale task" // followed by the task id
)

// jobSchedule is when the task's job fires. A task waiting for a fire of its cron keeps the
// cron, so the job needs no write after each run; any other next run (now, for a new or
// resumed task; a minute the agent chose; the daily default of a task without a cron) becomes
// a one-off cron for that minute, in UTC. ok is false when the task needs no job.
func jobSchedule(t task.Task) (schedule, zone string, ok bool, err error) {
	if t.State == task.StateCompleted {
		return "", "", false, nil
	}
	if t.Schedule != "" {
		c, err := task.ParseCron(t.Schedule, t.Timezone)
		if err != nil {
			return "", "", false, fmt.Errorf("task %s: %w", t.ID, err)
		}
		if t.NextRunAt == nil || isFire(c, *t.NextRunAt) {
			zone := t.Timezone
			if zone == "" {
				zone = utcZone
			}
			return unixCron(c.String()), zone, true, nil
		}
	}
	if t.NextRunAt == nil {
		return "", "", false, nil
	}
	return oneOff(*t.NextRunAt), utcZone, true, nil
}

// isFire reports whether at is a fire time of c (fires are whole minutes; stored times have
// microsecond precision).
func isFire(c task.Cron, at time.Time) bool {
	return c.Next(at.Add(-time.Microsecond)).Equal(at)
}

// oneOff is a cron that fires once a year at at's minute, rounded up: the run is never early.
func oneOff(at time.Time) string {
	at = at.UTC()
	if m := at.Truncate(minute); m.Before(at) {
		at = m.Add(minute)
	}
	return fmt.Sprintf("%d %d %d %d *", at.Minute(), at.Hour(), at.Day(), int(at.Month()))
}

// unixCron expands the @-shorthands, which Cloud Scheduler does not read.
func unixCron(expr string) string {
	if !strings.HasPrefix(expr, descriptorHint) {
		return expr
	}
	switch expr {
	case "@yearly", "@annually":
		return "0 0 1 1 *"
	case "@monthly":
		return "0 0 1 * *"
	case "@weekly":
		return "0 0 * * 0"
	case "@daily", "@midnight":
		return "0 0 * * *"
	case "@hourly":
		return "0 * * * *"
	}
	return expr
}

// runTaskData is the message a task's job publishes: it names the task and leaves the fire to
// runtask, which reads it from the task's next_run_at.
func runTaskData(t task.Task) []byte {
	b, _ := json.Marshal(event.RunTask{Version: event.Version, TaskID: t.ID, UserID: t.UserID})
	return b
}

// Diff lists how job (nil when absent) differs from spec (nil when the task needs no job).
func Diff(spec *JobSpec, job *schedulerpb.Job, topic string) []Drift {
	switch {
	case spec == nil && job == nil:
		return nil
	case spec == nil:
		return []Drift{DriftOrphan}
	case job == nil:
		return []Drift{DriftMissing}
	}
	var out []Drift
	if job.GetSchedule() != spec.Schedule || job.GetTimeZone() != spec.TimeZone {
		out = append(out, DriftSchedule)
	}
	target := job.GetPubsubTarget()
	if target.GetTopicName() != topic || !bytes.Equal(target.GetData(), spec.Data) {
		out = append(out, DriftTarget)
	}
	switch job.GetState() {
	case schedulerpb.Job_PAUSED:
		if !spec.Paused {
			out = append(out, DriftPaused)
		}
	case schedulerpb.Job_ENABLED:
		if spec.Paused {
			out = append(out, DriftEnabled)
		}
	default:
		out = append(out, DriftState)
	}
	return out
}

// TaskIDOfJob returns the task a job belongs to, or false for jobs Torale does not own.
func TaskIDOfJob(name string) (uuid.UUID, bool) {
	i := strings.LastIndex(name, "/jobs/")
	if i < 0 {
		return uuid.Nil, false
	}
	id, ok := strings.CutPrefix(name[i+len("/jobs/"):], JobPrefix)
	if !ok {
		return uuid.Nil, false
	}
	u, err := uuid.Parse(id)
	return u, err == nil
}
