package schedule_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

type jobsBundle struct {
	ctx   context.Context
	store *store.Store
	fake  *schedulertest.Server
	jobs  *schedule.CloudScheduler
	watch *watch.Service
	pub   *eventtest.Recorder
	user  store.User
	clock *clocktest.Clock
}

func setupJobs(t *testing.T) jobsBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	st := storetest.Open(t, url)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:jobs"})
	require.NoError(t, err)
	fake, client := schedulertest.Start(t)
	fake.SetGuard(storetest.NewTxGuard(t, url).Check) // no job call inside a transaction
	jobs, err := schedule.NewCloudScheduler(client, st, schedule.CloudSchedulerConfig{Project: "proj", Location: "us-central1",
		PubSubProject: "psproj", Log: logging.Discard()})
	require.NoError(t, err)
	c := clocktest.New(time.Date(2026, 11, 29, 9, 0, 30, 0, time.UTC))
	pub := &eventtest.Recorder{}
	w := watch.New(watch.Deps{Store: st, Trigger: jobs, Publisher: pub, Now: c.Now, Log: logging.Discard()})
	return jobsBundle{ctx: ctx, store: st, fake: fake, jobs: jobs, watch: w, pub: pub, user: u, clock: c}
}

func ptr[T any](v T) *T { return &v }

func (b jobsBundle) job(t *testing.T, tk task.Task) *schedulerpb.Job {
	t.Helper()
	return b.fake.Job(b.jobs.JobName(tk.ID))
}

func TestTaskLifecycleMakesExactlyTheJobCalls(t *testing.T) {
	b := setupJobs(t)
	id := func(tk task.Task) string { return "task-" + tk.ID.String() }

	// A new task runs within a minute: a one-off job at the next whole minute, in UTC.
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone release date", Schedule: "0 9 * * 1-5",
		Timezone: "Europe/London"})
	require.NoError(t, err)
	require.Equal(t, []string{"CreateJob " + id(tk)}, b.fake.Calls())
	j := b.job(t, tk)
	require.Equal(t, "1 9 29 11 *", j.GetSchedule())
	require.Equal(t, "Etc/UTC", j.GetTimeZone())
	require.Equal(t, schedulerpb.Job_ENABLED, j.GetState())
	require.Equal(t, "projects/psproj/topics/run-task", j.GetPubsubTarget().GetTopicName())
	m, err := event.DecodeRunTask(j.GetPubsubTarget().GetData())
	require.NoError(t, err)
	require.Equal(t, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID}, m, "the job names the task, not the fire")

	// A rename changes nothing the job carries: no write.
	b.fake.ResetCalls()
	_, err = b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Name: ptr("Renamed")})
	require.NoError(t, err)
	require.Empty(t, b.fake.Calls())

	// A new schedule moves the next run to its next fire: the job takes the cron and zone.
	tk, err = b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Schedule: ptr("30 8 * * *")})
	require.NoError(t, err)
	require.Equal(t, []string{"UpdateJob " + id(tk)}, b.fake.Calls())
	j = b.job(t, tk)
	require.Equal(t, "30 8 * * *", j.GetSchedule())
	require.Equal(t, "Europe/London", j.GetTimeZone())

	b.fake.ResetCalls()
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.NoError(t, err)
	require.Equal(t, []string{"PauseJob " + id(tk)}, b.fake.Calls())
	require.Equal(t, schedulerpb.Job_PAUSED, b.job(t, tk).GetState())

	// Resuming runs the task within a minute, then the cron returns (after the run).
	b.fake.ResetCalls()
	b.clock.Set(b.clock.Now().Add(time.Hour))
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateActive)
	require.NoError(t, err)
	require.Equal(t, []string{"UpdateJob " + id(tk), "ResumeJob " + id(tk)}, b.fake.Calls())
	require.Equal(t, "1 10 29 11 *", b.job(t, tk).GetSchedule())

	b.fake.ResetCalls()
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateCompleted)
	require.NoError(t, err)
	require.Equal(t, []string{"DeleteJob " + id(tk)}, b.fake.Calls())
	require.Nil(t, b.job(t, tk))

	b.fake.ResetCalls()
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateActive)
	require.NoError(t, err)
	require.Equal(t, []string{"CreateJob " + id(tk)}, b.fake.Calls())

	// A paused task's job is created paused.
	b.fake.ResetCalls()
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.NoError(t, err)
	require.NoError(t, b.watch.Delete(b.ctx, b.user.ID, tk.ID))
	require.Equal(t, []string{"PauseJob " + id(tk), "DeleteJob " + id(tk)}, b.fake.Calls())
	require.Empty(t, b.fake.Jobs())
}

func TestSchedulerRefusalRollsTheTaskBack(t *testing.T) {
	b := setupJobs(t)
	draft := task.Draft{SearchQuery: "iphone release date", Schedule: "0 9 * * *"}

	b.fake.FailNext("CreateJob", schedulertest.Quota())
	_, err := b.watch.Create(b.ctx, b.user.ID, draft)
	var te *schedule.TriggerError
	require.ErrorAs(t, err, &te)
	require.Equal(t, schedule.TriggerQuota, te.Kind)
	require.Equal(t, time.Minute, te.RetryAfter)
	require.Contains(t, te.Message, "quota")
	require.NotContains(t, te.Message, "Job write requests", "the message is the user's, the detail the log's")
	list, err := b.store.ListTasks(b.ctx, b.user.ID, store.TaskFilter{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, list, "the task was rolled back")
	require.Empty(t, b.fake.Jobs())

	tk, err := b.watch.Create(b.ctx, b.user.ID, draft)
	require.NoError(t, err)

	// A refused pause leaves the task active and its job running.
	b.fake.FailNext("PauseJob", status.Error(codes.PermissionDenied, "caller lacks cloudscheduler.jobs.pause"))
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.ErrorAs(t, err, &te)
	require.Equal(t, schedule.TriggerPermission, te.Kind)
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateActive, got.State)
	require.Equal(t, schedulerpb.Job_ENABLED, b.job(t, tk).GetState())

	// Pausing a task whose job went missing creates it paused; when the pause is refused, the
	// half-made job is removed with the rolled-back change.
	b.fake.Drop(b.jobs.JobName(tk.ID))
	b.fake.ResetCalls()
	b.fake.FailNext("PauseJob", schedulertest.Quota())
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.ErrorAs(t, err, &te)
	id := "task-" + tk.ID.String()
	require.Equal(t, []string{"CreateJob " + id, "PauseJob " + id, "DeleteJob " + id}, b.fake.Calls())
	require.Nil(t, b.job(t, tk))
	require.NoError(t, b.jobs.Resync(b.ctx, b.user.ID, tk.ID))
	require.Equal(t, schedulerpb.Job_ENABLED, b.job(t, tk).GetState())

	b.fake.FailNext("UpdateJob", status.Error(codes.Unavailable, "try later"))
	_, err = b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Schedule: ptr("0 10 * * *")})
	require.ErrorAs(t, err, &te)
	require.Equal(t, schedule.TriggerUnavailable, te.Kind)
	got, err = b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, "0 9 * * *", got.Schedule, "the edit was rolled back")

	// A deletion the scheduler refuses keeps the task.
	b.fake.FailNext("DeleteJob", schedulertest.Quota())
	require.ErrorAs(t, b.watch.Delete(b.ctx, b.user.ID, tk.ID), &te)
	_, err = b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)

	// Other failures are not dressed up as user errors.
	b.fake.FailNext("DeleteJob", status.Error(codes.Internal, "boom"))
	err = b.watch.Delete(b.ctx, b.user.ID, tk.ID)
	require.Error(t, err)
	require.False(t, errors.As(err, &te))
}

func TestJobFollowsTheAgentsChosenRunThenTheCron(t *testing.T) {
	b := setupJobs(t)
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone release date", Schedule: "0 12 * * *"})
	require.NoError(t, err)

	chosen := time.Date(2026, 11, 29, 15, 7, 0, 0, time.UTC)
	quiet := agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "nothing yet", Confidence: 80}}}
	proposes := quiet
	proposes.Output.Result.NextRun = &chosen
	a := agenttest.New(proposes, quiet)
	r := runner.New(b.store, a, b.pub, b.clock.Now, logging.Discard(), runner.Config{AfterRun: b.jobs.Resync})
	gate := schedule.NewGate(b.store, r.HandleTask, b.clock.Now, logging.Discard())
	fire := func() {
		t.Helper()
		// What the job publishes: the task, no fire.
		require.NoError(t, gate.HandleMessage(b.ctx, b.job(t, tk).GetPubsubTarget().GetData()))
	}

	// The job fires at 09:01 for the run due at creation (09:00:30); the agent picks 15:07.
	b.clock.Set(time.Date(2026, 11, 29, 9, 1, 2, 0, time.UTC))
	b.fake.ResetCalls()
	fire()
	require.Equal(t, 1, a.Calls())
	require.Equal(t, []string{"UpdateJob task-" + tk.ID.String()}, b.fake.Calls())
	require.Equal(t, "7 15 29 11 *", b.job(t, tk).GetSchedule())
	list, err := b.store.ListExecutions(b.ctx, b.user.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC), list[0].ScheduledFor.UTC(), "the fire is the next run's minute")

	// The same message again (a redelivery, or the job firing twice) finds the task not due.
	fire()
	require.Equal(t, 1, a.Calls())

	// At 15:07 the job fires; no proposal this time, so the cron returns.
	b.clock.Set(time.Date(2026, 11, 29, 15, 7, 1, 0, time.UTC))
	b.fake.ResetCalls()
	fire()
	require.Equal(t, 2, a.Calls())
	j := b.job(t, tk)
	require.Equal(t, "0 12 * * *", j.GetSchedule())
	require.Equal(t, "UTC", j.GetTimeZone())
	require.Equal(t, []string{"UpdateJob task-" + tk.ID.String()}, b.fake.Calls())

	// The next cron fire needs no job write at all.
	b.clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 500, time.UTC))
	b.fake.ResetCalls()
	fire()
	require.Equal(t, 3, a.Calls())
	require.Empty(t, b.fake.Calls())
}
