package watch_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// maxActive is the cap the tests run with, small so that reaching it is cheap.
const maxActive = 5

type testBundle struct {
	ctx   context.Context
	store *store.Store
	watch *watch.Service
	pub   *eventtest.Recorder
	user  store.User
	clock *clocktest.Clock
	// fake and jobs are set in Cloud Scheduler mode, nil in sweep mode.
	fake *schedulertest.Server
	jobs *schedule.CloudScheduler
}

// setup builds the service on a fresh database, with Cloud Scheduler (a fake that refuses any
// call made inside a database transaction) when cloud is true, else in sweep mode.
func setup(t *testing.T, cloud bool) testBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	st := storetest.Open(t, url)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:watch"})
	require.NoError(t, err)
	b := testBundle{ctx: ctx, store: st, pub: &eventtest.Recorder{}, user: u,
		clock: clocktest.New(time.Date(2026, 11, 29, 9, 0, 30, 0, time.UTC))}
	var trigger watch.Trigger
	if cloud {
		fake, client := schedulertest.Start(t)
		fake.SetGuard(storetest.NewTxGuard(t, url).Check)
		b.jobs, err = schedule.NewCloudScheduler(client, st, schedule.CloudSchedulerConfig{Project: "proj", Location: "us-central1",
			Log: logging.Discard()})
		require.NoError(t, err)
		b.fake, trigger = fake, b.jobs
	}
	b.watch = watch.New(watch.Deps{Store: st, Trigger: trigger, Publisher: b.pub, Now: b.clock.Now,
		Rules: task.DefaultRules(), Log: logging.Discard(), MaxActive: maxActive})
	return b
}

func ptr[T any](v T) *T { return &v }

func (b testBundle) create(t *testing.T, query string) task.Task {
	t.Helper()
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: query, Schedule: "0 9 * * *"})
	require.NoError(t, err)
	return tk
}

// requireJobsMatch checks that every task's Cloud Scheduler job is what its stored row needs,
// and that no job is left for a task that was not stored.
func (b testBundle) requireJobsMatch(t *testing.T) {
	t.Helper()
	if b.fake == nil {
		return
	}
	tasks, err := b.store.ListTasks(b.ctx, b.user.ID, store.TaskFilter{Limit: 1000})
	require.NoError(t, err)
	wanted := 0
	for _, tk := range tasks {
		spec, err := b.jobs.Spec(tk)
		require.NoError(t, err)
		if spec != nil {
			wanted++
		}
		job := b.fake.Job(b.jobs.JobName(tk.ID))
		require.Empty(t, schedule.Diff(spec, job, b.jobs.Topic()), "task %s (%s) has job %s", tk.ID, tk.State, schedulertest.String(job))
	}
	require.Len(t, b.fake.Jobs(), wanted, "no job outlives a change that was not stored")
}

func TestCreateStoresAnActiveTaskDueAtOnce(t *testing.T) {
	b := setup(t, false)
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone release date", Schedule: "0 9 * * *"})
	require.NoError(t, err)
	require.Equal(t, task.StateActive, tk.State)
	require.Equal(t, b.clock.Now(), tk.NextRunAt.UTC(), "a new task runs within the next sweep")
	require.True(t, tk.NameIsDefault)
	got, err := b.watch.Get(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, tk.ID, got.ID)

	_, err = b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "x"})
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestUpdateFollowsTheDefinitionAndTheStateMachine(t *testing.T) {
	b := setup(t, false)
	tk := b.create(t, "iphone release date")

	// A derived name and a defaulted condition follow a changed query.
	up, err := b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{SearchQuery: ptr("pixel release date")})
	require.NoError(t, err)
	require.Equal(t, "pixel release date", up.SearchQuery)
	require.Equal(t, "pixel release date", up.ConditionDescription)
	require.True(t, up.NameIsDefault)
	require.NotEqual(t, tk.Name, up.Name)

	// A new schedule moves the next run to its next fire.
	up, err = b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Schedule: ptr("30 18 * * *")})
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 11, 29, 18, 30, 0, 0, time.UTC), up.NextRunAt.UTC())

	paused, err := b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.NoError(t, err)
	require.Equal(t, task.StatePaused, paused.State)

	// Resuming runs the task within the next sweep.
	b.clock.Set(b.clock.Now().Add(time.Hour))
	resumed, err := b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateActive)
	require.NoError(t, err)
	require.Equal(t, b.clock.Now(), resumed.NextRunAt.UTC())
	require.Equal(t, b.clock.Now(), resumed.StateChangedAt.UTC())

	// A bad patch changes nothing.
	_, err = b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Timezone: ptr("Mars/Base"), Name: ptr("kept?")})
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
	got, err := b.watch.Get(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, resumed.Name, got.Name)

	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateCompleted)
	require.NoError(t, err)
	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	var te *task.TransitionError
	require.ErrorAs(t, err, &te, "a completed task can only be restarted")
}

// An edit read before a run or the sweep wrote the row must not write back what they changed
// (they leave updated_at alone): the save sees the row moved on and computes the edit again
// from the fresh row. The sweep's claim lands while the edit waits on Cloud Scheduler.
func TestUpdateKeepsWhatTheSweepWroteMeanwhile(t *testing.T) {
	b := setup(t, true)
	tk := b.create(t, "iphone release date")
	lease := b.clock.Now().Add(10 * time.Minute)
	var once sync.Once
	b.fake.SetGuard(func(ctx context.Context) error {
		once.Do(func() {
			claims, err := b.store.ClaimDueTasks(ctx, b.clock.Now(), lease, 10)
			assert.NoError(t, err)
			assert.Len(t, claims, 1)
		})
		return nil
	})

	up, err := b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{Name: ptr("Renamed")})
	require.NoError(t, err)
	require.Equal(t, "Renamed", up.Name)
	require.Equal(t, lease, up.NextRunAt.UTC(), "the claim's lease survives the edit")
	b.requireJobsMatch(t)
}

func TestDeleteRemovesTheTaskAndItsJob(t *testing.T) {
	for _, cloud := range []bool{false, true} {
		t.Run(map[bool]string{false: "sweep", true: "cloudscheduler"}[cloud], func(t *testing.T) {
			b := setup(t, cloud)
			tk := b.create(t, "iphone release date")
			require.NoError(t, b.watch.Delete(b.ctx, b.user.ID, tk.ID))
			_, err := b.watch.Get(b.ctx, b.user.ID, tk.ID)
			require.ErrorIs(t, err, store.ErrNotFound)
			require.ErrorIs(t, b.watch.Delete(b.ctx, b.user.ID, tk.ID), store.ErrNotFound)
			b.requireJobsMatch(t)
		})
	}
}

func TestRunNowPublishesAManualRun(t *testing.T) {
	b := setup(t, false)
	tk := b.create(t, "iphone release date")
	e, err := b.watch.RunNow(b.ctx, b.user.ID, tk.ID, false)
	require.NoError(t, err)
	require.Equal(t, task.TriggerManual, e.Trigger)
	require.Len(t, b.pub.Messages("run-task"), 1)

	_, err = b.watch.RunNow(b.ctx, b.user.ID, tk.ID, false)
	require.ErrorIs(t, err, store.ErrConflict, "one run at a time")
	forced, err := b.watch.RunNow(b.ctx, b.user.ID, tk.ID, true)
	require.NoError(t, err)
	require.NotEqual(t, e.ID, forced.ID)
}
