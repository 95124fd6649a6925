package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	scheduler "cloud.google.com/go/scheduler/apiv1"
	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// JobClient is the part of Cloud Scheduler's API the jobs need;
// *scheduler.CloudSchedulerClient is the real one.
type JobClient interface {
	GetJob(ctx context.Context, req *schedulerpb.GetJobRequest, opts ...gax.CallOption) (*schedulerpb.Job, error)
	ListJobs(ctx context.Context, req *schedulerpb.ListJobsRequest, opts ...gax.CallOption) *scheduler.JobIterator
	CreateJob(ctx context.Context, req *schedulerpb.CreateJobRequest, opts ...gax.CallOption) (*schedulerpb.Job, error)
	UpdateJob(ctx context.Context, req *schedulerpb.UpdateJobRequest, opts ...gax.CallOption) (*schedulerpb.Job, error)
	DeleteJob(ctx context.Context, req *schedulerpb.DeleteJobRequest, opts ...gax.CallOption) error
	PauseJob(ctx context.Context, req *schedulerpb.PauseJobRequest, opts ...gax.CallOption) (*schedulerpb.Job, error)
	ResumeJob(ctx context.Context, req *schedulerpb.ResumeJobRequest, opts ...gax.CallOption) (*schedulerpb.Job, error)
}

// TaskReader reads a task as it is now, for syncs that start from an id.
type TaskReader interface {
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
}

// CloudSchedulerConfig places the jobs. Project and Location are required.
type CloudSchedulerConfig struct {
	// Project and Location hold the jobs: projects/Project/locations/Location.
	Project  string
	Location string
	// PubSubProject holds the run-task topic the jobs publish to (default Project).
	PubSubProject string
	// CallTimeout bounds each API call, which a task change waits on before it is stored
	// (default 15s).
	CallTimeout time.Duration
	Log         *slog.Logger
}

// CloudScheduler keeps one Cloud Scheduler job per task in step with the task: the job
// publishes the task's run-task message on the task's schedule, paused while the task is, and
// is deleted when the task completes or goes. It implements watch.Trigger.
type CloudScheduler struct {
	client JobClient
	tasks  TaskReader
	parent string
	topic  string
	cfg    CloudSchedulerConfig
	log    *slog.Logger
}

// NewCloudScheduler returns the trigger. tasks may be nil when Resync is not used.
func NewCloudScheduler(client JobClient, tasks TaskReader, cfg CloudSchedulerConfig) (*CloudScheduler, error) {
	if cfg.Project == "" || cfg.Location == "" {
		return nil, errors.New("cloud scheduler: project and location are required")
	}
	if cfg.PubSubProject == "" {
		cfg.PubSubProject = cfg.Project
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 15 * time.Second
	}
	return &CloudScheduler{client: client, tasks: tasks, cfg: cfg, log: cfg.Log,
		parent: "projects/" + cfg.Project + "/locations/" + cfg.Location,
		topic:  event.TopicName(cfg.PubSubProject, event.TopicRunTask)}, nil
}

// JobName is the job of task id.
func (c *CloudScheduler) JobName(id uuid.UUID) string {
	return c.parent + "/jobs/" + JobPrefix + id.String()
}

// Topic is the run-task topic every job publishes to.
func (c *CloudScheduler) Topic() string { return c.topic }

// Spec returns the job t needs, or nil when it needs none.
func (c *CloudScheduler) Spec(t task.Task) (*JobSpec, error) {
	schedule, zone, ok, err := jobSchedule(t)
	if err != nil || !ok {
		return nil, err
	}
	return &JobSpec{TaskID: t.ID, Name: c.JobName(t.ID), Schedule: schedule, TimeZone: zone,
		Paused: t.State == task.StatePaused, Data: runTaskData(t)}, nil
}

// Sync makes t's job what t needs: created, updated, paused, resumed or deleted. It reads the
// job first and writes only what differs, since writes are the scarce quota.
func (c *CloudScheduler) Sync(ctx context.Context, t task.Task) error {
	spec, err := c.Spec(t)
	if err != nil {
		return err
	}
	job, err := c.get(ctx, c.JobName(t.ID))
	if err != nil {
		return err
	}
	_, err = c.Apply(ctx, spec, job, c.JobName(t.ID))
	return err
}

// Remove deletes t's job; a job already gone is fine.
func (c *CloudScheduler) Remove(ctx context.Context, t task.Task) error {
	return c.delete(ctx, c.JobName(t.ID))
}

// Resync reads the task as stored now and syncs its job: after a run moved its next run, and
// from reconcile. A task that is gone loses its job.
func (c *CloudScheduler) Resync(ctx context.Context, userID, taskID uuid.UUID) error {
	t, err := c.tasks.GetTask(ctx, userID, taskID)
	if isNotFound(err) {
		return c.delete(ctx, c.JobName(taskID))
	}
	if err != nil {
		return fmt.Errorf("reading task to sync its job: %w", err)
	}
	return c.Sync(ctx, t)
}

// Apply turns job (nil when absent) into spec (nil when no job is wanted), with the fewest
// calls, and returns what drifted. name is the job's name, needed when both are nil.
func (c *CloudScheduler) Apply(ctx context.Context, spec *JobSpec, job *schedulerpb.Job, name string) ([]Drift, error) {
	drift := Diff(spec, job, c.topic)
	if len(drift) == 0 {
		return nil, nil
	}
	switch drift[0] {
	case DriftOrphan:
		return drift, c.delete(ctx, name)
	case DriftMissing:
		return drift, c.create(ctx, spec)
	}
	if slices.ContainsFunc(drift, func(d Drift) bool { return d == DriftSchedule || d == DriftTarget || d == DriftState }) {
		updated, err := c.update(ctx, spec)
		if err != nil {
			return drift, err
		}
		job = updated
	}
	return drift, c.setPaused(ctx, spec, job)
}

func (c *CloudScheduler) setPaused(ctx context.Context, spec *JobSpec, job *schedulerpb.Job) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	var err error
	switch st := job.GetState(); {
	case spec.Paused && st != schedulerpb.Job_PAUSED:
		_, err = c.client.PauseJob(ctx, &schedulerpb.PauseJobRequest{Name: spec.Name})
	case !spec.Paused && st != schedulerpb.Job_ENABLED:
		_, err = c.client.ResumeJob(ctx, &schedulerpb.ResumeJobRequest{Name: spec.Name})
	}
	return c.wrap(err, "setting the job's paused state")
}

func (c *CloudScheduler) job(spec *JobSpec) *schedulerpb.Job {
	return &schedulerpb.Job{
		Name: spec.Name, Description: jobDescription + " " + spec.TaskID.String(),
		Schedule: spec.Schedule, TimeZone: spec.TimeZone,
		Target: &schedulerpb.Job_PubsubTarget{PubsubTarget: &schedulerpb.PubsubTarget{TopicName: c.topic, Data: spec.Data}},
	}
}

func (c *CloudScheduler) create(ctx context.Context, spec *JobSpec) error {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	job, err := c.client.CreateJob(cctx, &schedulerpb.CreateJobRequest{Parent: c.parent, Job: c.job(spec)})
	cancel()
	if status.Code(err) == codes.AlreadyExists {
		// Made meanwhile (a racing sync or reconcile): bring it in step instead.
		existing, gerr := c.get(ctx, spec.Name)
		if gerr != nil {
			return gerr
		}
		_, err = c.Apply(ctx, spec, existing, spec.Name)
		return err
	}
	if err != nil {
		return c.wrap(err, "creating the job")
	}
	if err := c.setPaused(ctx, spec, job); err != nil {
		// Leave nothing behind for a change that will not be stored.
		if derr := c.delete(context.WithoutCancel(ctx), spec.Name); derr != nil && c.log != nil {
			c.log.Warn("removing a half-made job; reconcile will", slog.String("job", spec.Name), slog.String("error", derr.Error()))
		}
		return err
	}
	return nil
}

func (c *CloudScheduler) update(ctx context.Context, spec *JobSpec) (*schedulerpb.Job, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	job, err := c.client.UpdateJob(ctx, &schedulerpb.UpdateJobRequest{Job: c.job(spec),
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description", "schedule", "time_zone", "pubsub_target"}}})
	return job, c.wrap(err, "updating the job")
}

func (c *CloudScheduler) get(ctx context.Context, name string) (*schedulerpb.Job, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	job, err := c.client.GetJob(ctx, &schedulerpb.GetJobRequest{Name: name})
	if status.Code(err) == codes.NotFound {
		return nil, nil
	}
	return job, c.wrap(err, "reading the job")
}

func (c *CloudScheduler) delete(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	err := c.client.DeleteJob(ctx, &schedulerpb.DeleteJobRequest{Name: name})
	if status.Code(err) == codes.NotFound {
		return nil
	}
	return c.wrap(err, "deleting the job")
}

// Jobs lists every job Torale owns in the location, keyed by name.
func (c *CloudScheduler) Jobs(ctx context.Context) (map[string]*schedulerpb.Job, error) {
	out := map[string]*schedulerpb.Job{}
	it := c.client.ListJobs(ctx, &schedulerpb.ListJobsRequest{Parent: c.parent, PageSize: 500})
	for {
		job, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, c.wrap(err, "listing jobs")
		}
		if _, ok := TaskIDOfJob(job.GetName()); ok {
			out[job.GetName()] = job
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
