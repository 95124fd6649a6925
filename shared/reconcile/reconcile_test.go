package reconcile_test

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

type testBundle struct {
	ctx    context.Context
	store  *store.Store
	fake   *schedulertest.Server
	jobs   *schedule.CloudScheduler
	watch  *watch.Service // keeps jobs in step
	behind *watch.Service // changes tasks behind the scheduler's back
	pub    *eventtest.Recorder
	user   store.User
	clock  *clocktest.Clock
	rec    *reconcile.Reconciler
}

func setup(t *testing.T, now time.Time) testBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	st := storetest.Open(t, url)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:reconcile"})
	require.NoError(t, err)
	fake, client := schedulertest.Start(t)
	fake.SetGuard(storetest.NewTxGuard(t, url).Check) // no job call inside a transaction
	c := clocktest.New(now)
	fake.SetClock(c.Now)
	jobs, err := schedule.NewCloudScheduler(client, st, schedule.CloudSchedulerConfig{Project: "proj", Location: "us-central1"})
	require.NoError(t, err)
	pub := &eventtest.Recorder{}
	log := logging.Discard()
	return testBundle{ctx: ctx, store: st, fake: fake, jobs: jobs, pub: pub, user: u, clock: c,
		watch:  watch.New(watch.Deps{Store: st, Trigger: jobs, Publisher: pub, Now: c.Now, Log: log}),
		behind: watch.New(watch.Deps{Store: st, Publisher: pub, Now: c.Now, Log: log}),
		rec:    reconcile.New(st, jobs, pub, c.Now, log, reconcile.Config{})}
}

var no = false

// scheduled creates a task waiting for its cron's next fire, with its job.
func (b testBundle) scheduled(t *testing.T, cron string) task.Task {
	t.Helper()
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone release date", Schedule: cron, RunImmediately: &no})
	require.NoError(t, err)
	return tk
}

func (b testBundle) mutate(t *testing.T, tk task.Task, fn func(j *schedulerpb.Job)) {
	t.Helper()
	j := b.fake.Job(b.jobs.JobName(tk.ID))
	require.NotNil(t, j)
	fn(j)
	b.fake.Put(j)
}

func TestReconcileRepairsEveryKindOfJobDrift(t *testing.T) {
	b := setup(t, time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	inStep := b.scheduled(t, "0 12 * * *")
	missing := b.scheduled(t, "0 13 * * *")
	b.fake.Drop(b.jobs.JobName(missing.ID))
	wrongSchedule := b.scheduled(t, "0 14 * * *")
	b.mutate(t, wrongSchedule, func(j *schedulerpb.Job) { j.Schedule, j.TimeZone = "5 5 * * *", "Asia/Tokyo" })
	wrongTarget := b.scheduled(t, "0 15 * * *")
	b.mutate(t, wrongTarget, func(j *schedulerpb.Job) { j.GetPubsubTarget().Data = []byte(`{"version":1}`) })
	failed := b.scheduled(t, "0 16 * * *")
	b.mutate(t, failed, func(j *schedulerpb.Job) { j.State = schedulerpb.Job_UPDATE_FAILED })
	running := b.scheduled(t, "0 17 * * *")
	_, err := b.watch.SetState(b.ctx, b.user.ID, running.ID, task.StatePaused)
	require.NoError(t, err)
	b.mutate(t, running, func(j *schedulerpb.Job) { j.State = schedulerpb.Job_ENABLED })
	stopped := b.scheduled(t, "0 18 * * *")
	b.mutate(t, stopped, func(j *schedulerpb.Job) { j.State = schedulerpb.Job_PAUSED })
	completed := b.scheduled(t, "0 19 * * *")
	_, err = b.behind.SetState(b.ctx, b.user.ID, completed.ID, task.StateCompleted)
	require.NoError(t, err)
	deleted := b.scheduled(t, "0 20 * * *")
	require.NoError(t, b.behind.Delete(b.ctx, b.user.ID, deleted.ID))
	stranger := proto.Clone(b.fake.Job(b.jobs.JobName(inStep.ID))).(*schedulerpb.Job)
	stranger.Name = "projects/proj/locations/us-central1/jobs/tick"
	b.fake.Put(stranger)
	// A job just written for a task whose transaction has not committed yet.
	fresh := proto.Clone(stranger).(*schedulerpb.Job)
	fresh.Name = b.jobs.JobName(uuid.New())

	b.clock.Set(b.clock.Now().Add(10 * time.Minute))
	fresh.UserUpdateTime = timestamppb.New(b.clock.Now().Add(-30 * time.Second))
	b.fake.Put(fresh)

	drift, err := b.rec.JobDrift(b.ctx)
	require.NoError(t, err)
	kinds := map[string][]schedule.Drift{}
	for _, v := range drift {
		kinds[v.Job] = v.Drift
	}
	name := b.jobs.JobName
	require.Empty(t, kinds[name(inStep.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftMissing}, kinds[name(missing.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftSchedule}, kinds[name(wrongSchedule.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftTarget}, kinds[name(wrongTarget.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftState}, kinds[name(failed.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftEnabled}, kinds[name(running.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftPaused}, kinds[name(stopped.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftOrphan}, kinds[name(completed.ID)])
	require.Equal(t, []schedule.Drift{schedule.DriftOrphan}, kinds[name(deleted.ID)])
	require.NotContains(t, kinds, stranger.Name, "jobs Torale does not own are not listed")

	b.fake.ResetCalls()
	rep, err := b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "cloudscheduler", rep.Mode)
	require.Equal(t, reconcile.JobCounts{Checked: 10, Created: 1, Updated: 3, Paused: 1, Resumed: 1, Deleted: 2}, *rep.Jobs)
	require.ElementsMatch(t, []string{
		"CreateJob task-" + missing.ID.String(),
		"UpdateJob task-" + wrongSchedule.ID.String(),
		"UpdateJob task-" + wrongTarget.ID.String(),
		"UpdateJob task-" + failed.ID.String(),
		"PauseJob task-" + running.ID.String(),
		"ResumeJob task-" + stopped.ID.String(),
		"DeleteJob task-" + completed.ID.String(),
		"DeleteJob task-" + deleted.ID.String(),
	}, b.fake.Calls())
	require.Equal(t, "0 14 * * *", b.fake.Job(name(wrongSchedule.ID)).GetSchedule())
	require.Equal(t, "UTC", b.fake.Job(name(wrongSchedule.ID)).GetTimeZone())
	require.NotNil(t, b.fake.Job(stranger.Name), "not ours")
	require.NotNil(t, b.fake.Job(fresh.Name), "spared while its task may still commit")

	// Everything is in step now: a second pass writes nothing.
	b.fake.ResetCalls()
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, reconcile.JobCounts{Checked: 8}, *rep.Jobs)
	require.Empty(t, b.fake.Calls())
	drift, err = b.rec.JobDrift(b.ctx)
	require.NoError(t, err)
	for _, v := range drift {
		if v.Job != fresh.Name {
			require.Empty(t, v.Drift, v.Job)
		}
	}

	// Past the grace, the never-committed task's job goes.
	b.clock.Set(b.clock.Now().Add(5 * time.Minute))
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Jobs.Deleted)
	require.Nil(t, b.fake.Job(fresh.Name))
}

func TestReconcileFailsStuckRunsAndMovesTheirTasksOn(t *testing.T) {
	b := setup(t, time.Date(2026, 11, 29, 9, 0, 30, 0, time.UTC))
	// Created to run at once: its job fires at 09:01, and the run for 09:00 starts, then its
	// process dies.
	stuck, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone release date", Schedule: "0 12 * * *"})
	require.NoError(t, err)
	fire := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	started := time.Date(2026, 11, 29, 9, 1, 1, 0, time.UTC)
	_, err = b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: stuck.ID, ScheduledFor: &fire,
		Now: started, Deadline: started.Add(3 * time.Minute)})
	require.NoError(t, err)
	// One whose job never fired (a trigger lost), and a manual run nobody picked up.
	lost := b.scheduled(t, "0 12 * * *")
	b.fake.Drop(b.jobs.JobName(lost.ID))
	_, err = b.store.UpdateTask(b.ctx, b.user.ID, lost.ID, func(_ context.Context, cur task.Task) (task.Task, error) {
		at := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
		cur.NextRunAt = &at
		return cur, nil
	})
	require.NoError(t, err)
	manual, err := b.store.CreateManualRun(b.ctx, b.user.ID, lost.ID)
	require.NoError(t, err)

	// While the run is inside its deadline, nothing about it changes.
	b.clock.Set(started.Add(2 * time.Minute))
	rep, err := b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Zero(t, rep.RunsFailed)
	require.Zero(t, rep.NextRunsRepaired)
	require.Equal(t, 1, rep.RunsRetriggered, "the pending manual run")
	require.Equal(t, 1, rep.Jobs.Created, "the lost task's job")
	require.Zero(t, rep.OverdueRetriggered, "the lost task has a run pending")
	msgs := b.pub.Take(event.TopicRunTask)
	require.Len(t, msgs, 1)
	m, err := event.DecodeRunTask(msgs[0])
	require.NoError(t, err)
	require.Equal(t, manual.ID, *m.ExecutionID)
	_, err = b.store.CancelRuns(b.ctx, b.user.ID, lost.ID, b.clock.Now())
	require.NoError(t, err)

	// Past its deadline the stuck run is failed, and its task keeps its schedule: the next run
	// moves to the cron's next fire and the job follows. The lost task is re-triggered.
	b.clock.Set(started.Add(10 * time.Minute))
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, rep.RunsFailed)
	require.Equal(t, 1, rep.NextRunsRepaired)
	require.Equal(t, 1, rep.OverdueRetriggered)
	list, err := b.store.ListExecutions(b.ctx, b.user.ID, stuck.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, task.StatusFailed, list[0].Status)
	require.Contains(t, list[0].Error, "keeps its schedule")
	got, err := b.store.GetTask(b.ctx, b.user.ID, stuck.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateActive, got.State)
	require.Equal(t, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), got.NextRunAt.UTC())
	require.Equal(t, "0 12 * * *", b.fake.Job(b.jobs.JobName(stuck.ID)).GetSchedule())
	msgs = b.pub.Take(event.TopicRunTask)
	require.Len(t, msgs, 1)
	m, err = event.DecodeRunTask(msgs[0])
	require.NoError(t, err)
	require.Equal(t, event.RunTask{Version: 1, TaskID: lost.ID, UserID: b.user.ID}, m, "as its job would have sent it")

	// Nothing is left to repair.
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Zero(t, rep.RunsFailed+int64(rep.NextRunsRepaired+rep.RunsRetriggered))
}

func TestReconcileRepublishesOnlyNotificationsThatNeverWentOut(t *testing.T) {
	b := setup(t, time.Now())
	note := "It was announced."
	a := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &note}}})
	mk := func() (task.Task, event.RunTask) {
		at := time.Now().Add(-time.Minute)
		tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Watch", SearchQuery: "iphone release date",
			ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive,
			NextRunAt: &at, Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "me@example.com"},
				{Type: task.ChannelWebhook, URL: "https://hooks.example.com/x"}}})
		require.NoError(t, err)
		return tk, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: &at}
	}
	log := logging.Discard()
	// One runner publishes through the outbox publisher, which stamps the rows; the other's
	// messages are lost, as when a process dies between storing the result and publishing.
	stamping := runner.New(b.store, a, reconcile.NewOutboxPublisher(b.pub, b.store, time.Now, log), time.Now, log, runner.Config{})
	losing := runner.New(b.store, a, dropping{}, time.Now, log, runner.Config{})
	_, ok1 := mk()
	require.NoError(t, stamping.Handle(b.ctx, ok1))
	_, lost := mk()
	require.NoError(t, losing.Handle(b.ctx, lost))
	require.Len(t, b.pub.Take(event.TopicNotify), 2)

	// Within the grace the runner may still be publishing: nothing yet.
	rep, err := b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Zero(t, rep.NotificationsRepublished)

	b.clock.Set(time.Now().Add(3 * time.Minute))
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.NotificationsRepublished, "the lost run's two channels")
	require.Len(t, b.pub.Take(event.TopicNotify), 2)
	rep, err = b.rec.Run(b.ctx)
	require.NoError(t, err)
	require.Zero(t, rep.NotificationsRepublished, "published once, recorded")
}

type dropping struct{}

func (dropping) Publish(context.Context, string, []byte) error { return nil }

func TestPassesDoNotOverlapAndSweepModeHasNoJobs(t *testing.T) {
	b := setup(t, time.Now())
	release, ok, err := b.store.TryReconcileLock(b.ctx)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = b.rec.Run(b.ctx)
	require.ErrorIs(t, err, reconcile.ErrInProgress)
	require.ErrorIs(t, err, store.ErrConflict, "the API answers 409")
	release()

	sweep := reconcile.New(b.store, nil, b.pub, b.clock.Now, logging.Discard(), reconcile.Config{})
	rep, err := sweep.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "sweep", rep.Mode)
	require.Nil(t, rep.Jobs)
	_, err = sweep.JobDrift(b.ctx)
	require.ErrorIs(t, err, reconcile.ErrSweepMode)
}
