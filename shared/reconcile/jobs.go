package reconcile

import (
	"context"
	"errors"
	"slices"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/task"
)

// ErrSweepMode is returned by JobDrift when the deployment has no per-task jobs.
var ErrSweepMode = errors.New("the scheduler runs in sweep mode: there are no per-task jobs")

// syncJobs brings every task's job in step. Jobs are listed before tasks, so a task created
// meanwhile looks missing (creating it again is harmless) rather than its job looking orphaned.
func (r *Reconciler) syncJobs(ctx context.Context, c *JobCounts) error {
	jobs, err := r.jobs.Jobs(ctx)
	if err != nil {
		return err
	}
	tasks, err := r.store.TasksWithJobs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range tasks {
		name := r.jobs.JobName(t.ID)
		job := jobs[name]
		delete(jobs, name)
		c.Checked++
		spec, err := r.jobs.Spec(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		drift := schedule.Diff(spec, job, r.jobs.Topic())
		if len(drift) == 0 {
			continue
		}
		if drift[0] == schedule.DriftMissing || drift[0] == schedule.DriftOrphan {
			_, err = r.jobs.Apply(ctx, spec, job, name)
		} else {
			// Re-read the task: a user's change since the list wins over what was listed.
			err = r.jobs.Resync(ctx, t.UserID, t.ID)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		count(c, drift)
	}
	cutoff := r.now().Add(-r.cfg.OrphanGrace)
	for name, job := range jobs {
		c.Checked++
		if job.GetUserUpdateTime() != nil && job.GetUserUpdateTime().AsTime().After(cutoff) {
			continue // its task's transaction may still commit
		}
		if _, err := r.jobs.Apply(ctx, nil, job, name); err != nil {
			errs = append(errs, err)
			continue
		}
		c.Deleted++
	}
	return errors.Join(errs...)
}

func count(c *JobCounts, drift []schedule.Drift) {
	switch {
	case slices.Contains(drift, schedule.DriftMissing):
		c.Created++
	case slices.Contains(drift, schedule.DriftOrphan):
		c.Deleted++
	case slices.ContainsFunc(drift, func(d schedule.Drift) bool {
		return d == schedule.DriftSchedule || d == schedule.DriftTarget || d == schedule.DriftState
	}):
		c.Updated++
	}
	if slices.Contains(drift, schedule.DriftEnabled) {
		c.Paused++
	}
	if slices.Contains(drift, schedule.DriftPaused) {
		c.Resumed++
	}
}

// JobView is one job, or one task that needs a job, and how they differ.
type JobView struct {
	Job       string
	TaskID    *uuid.UUID
	UserID    *uuid.UUID
	TaskState task.State
	NextRunAt *time.Time
	// Actual is the job as Cloud Scheduler has it (nil when missing); Want is what the task
	// needs (nil for an orphan).
	Actual *JobState
	Want   *JobState
	// Drift is empty when the job is in step.
	Drift []schedule.Drift
}

// JobState is a job's schedule and state.
type JobState struct {
	Schedule string
	TimeZone string
	State    string // ENABLED, PAUSED, DISABLED or UPDATE_FAILED
}

// JobDrift lists every task-* job and every task that needs one, each with its drift, sorted
// by job name. It changes nothing.
func (r *Reconciler) JobDrift(ctx context.Context) ([]JobView, error) {
	if r.jobs == nil {
		return nil, ErrSweepMode
	}
	jobs, err := r.jobs.Jobs(ctx)
	if err != nil {
		return nil, err
	}
	tasks, err := r.store.TasksWithJobs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]JobView, 0, len(tasks)+len(jobs))
	for _, t := range tasks {
		name := r.jobs.JobName(t.ID)
		job := jobs[name]
		delete(jobs, name)
		spec, err := r.jobs.Spec(t)
		if err != nil {
			return nil, err
		}
		v := JobView{Job: name, TaskID: &t.ID, UserID: &t.UserID, TaskState: t.State, NextRunAt: t.NextRunAt,
			Actual: actual(job), Drift: orEmpty(schedule.Diff(spec, job, r.jobs.Topic()))}
		if spec != nil {
			v.Want = &JobState{Schedule: spec.Schedule, TimeZone: spec.TimeZone, State: wantState(spec)}
		}
		out = append(out, v)
	}
	for name, job := range jobs {
		v := JobView{Job: name, Actual: actual(job), Drift: []schedule.Drift{schedule.DriftOrphan}}
		if id, ok := schedule.TaskIDOfJob(name); ok {
			v.TaskID = &id
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b JobView) int {
		switch {
		case a.Job < b.Job:
			return -1
		case a.Job > b.Job:
			return 1
		}
		return 0
	})
	return out, nil
}

func actual(j *schedulerpb.Job) *JobState {
	if j == nil {
		return nil
	}
	return &JobState{Schedule: j.GetSchedule(), TimeZone: j.GetTimeZone(), State: j.GetState().String()}
}

func wantState(s *schedule.JobSpec) string {
	if s.Paused {
		return schedulerpb.Job_PAUSED.String()
	}
	return schedulerpb.Job_ENABLED.String()
}

func orEmpty(d []schedule.Drift) []schedule.Drift {
	if d == nil {
		return []schedule.Drift{}
	}
	return d
}
