package platform

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// scheduling is how tasks get triggered in this process: where messages go, and in Cloud
// Scheduler mode the per-task jobs.
type scheduling struct {
	// pub carries run-task and notify messages: Pub/Sub when Deps.Publisher is set, else the bus.
	pub event.Publisher
	// runnerPub is pub stamping outbox rows as published, for the runner.
	runnerPub event.Publisher
	// jobs keeps per-task jobs; nil in sweep mode.
	jobs *schedule.CloudScheduler
	// claimer is the sweep's: the store in sweep mode; nothing in Cloud Scheduler mode, where
	// each task's job triggers it and a sweep would trigger it twice.
	claimer schedule.Claimer
}

// torale dev's sweep wakes when the store's next task falls due (Sweeper.Every).
var _ schedule.NextDuer = (*store.Store)(nil)

// newScheduling connects the publisher, and the Cloud Scheduler jobs when need says the
// process's functions keep them in step.
func newScheduling(d Deps, need parts) (scheduling, error) {
	s := scheduling{claimer: d.Store}
	if d.Publisher != nil {
		s.pub = d.Publisher
	} else {
		s.pub = d.Bus
	}
	s.runnerPub = reconcile.NewOutboxPublisher(s.pub, d.Store, d.Now, d.Log)
	if d.Config.Scheduler != config.SchedulerCloudSchedule {
		return s, nil
	}
	// Each task's job triggers it; a sweep would trigger it twice.
	s.claimer = schedule.NoClaims{}
	if !need.jobs {
		return s, nil
	}
	if d.Jobs == nil {
		return s, fmt.Errorf("TORALE_SCHEDULER=cloudscheduler needs a Cloud Scheduler client")
	}
	cloud := d.Config.Cloud
	jobs, err := schedule.NewCloudScheduler(d.Jobs, d.Store, schedule.CloudSchedulerConfig{
		Project: cloud.GCPProject, Location: cloud.SchedulerLocation, PubSubProject: cloud.PubSubProject, Log: d.Log})
	if err != nil {
		return s, err
	}
	s.jobs = jobs
	return s, nil
}

// trigger is what task changes keep in step: the jobs, or nothing in sweep mode.
func (s scheduling) trigger() watch.Trigger {
	if s.jobs == nil {
		return nil
	}
	return s.jobs
}

// afterRun moves a task's job after a run moved its next run; nil in sweep mode.
func (s scheduling) afterRun() func(ctx context.Context, userID, taskID uuid.UUID) error {
	if s.jobs == nil {
		return nil
	}
	return s.jobs.Resync
}

// reconciler builds the reconcile pass over the store, the jobs and the publisher.
func (s scheduling) reconciler(d Deps, rules task.Rules) *reconcile.Reconciler {
	var jobs reconcile.Jobs
	if s.jobs != nil {
		jobs = s.jobs
	}
	return reconcile.New(d.Store, jobs, s.pub, d.Now, d.Log, reconcile.Config{Rules: rules})
}
