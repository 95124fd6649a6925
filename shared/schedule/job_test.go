package schedule_test

import (
	"testing"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/task"
)

func TestJobSpecFollowsTheTasksNextRun(t *testing.T) {
	cs, err := schedule.NewCloudScheduler(nil, nil, schedule.CloudSchedulerConfig{Project: "p", Location: "europe-west1"})
	require.NoError(t, err)
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return &v
	}
	id := uuid.MustParse("7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11")
	for _, tc := range []struct {
		name           string
		t              task.Task
		schedule, zone string
		paused         bool
		none           bool
	}{
		{name: "waiting for a cron fire keeps the cron", t: task.Task{Schedule: "30 8 * * 1-5", Timezone: "America/New_York",
			State: task.StateActive, NextRunAt: at("2026-11-30T13:30:00Z")}, schedule: "30 8 * * 1-5", zone: "America/New_York"},
		{name: "a shorthand is spelled out", t: task.Task{Schedule: "@daily", Timezone: "UTC", State: task.StateActive,
			NextRunAt: at("2026-11-30T00:00:00Z")}, schedule: "0 0 * * *", zone: "UTC"},
		{name: "due now runs at the next minute", t: task.Task{Schedule: "0 9 * * *", Timezone: "Europe/Paris",
			State: task.StateActive, NextRunAt: at("2026-11-29T23:59:30.5Z")}, schedule: "0 0 30 11 *", zone: "Etc/UTC"},
		{name: "an agent's minute", t: task.Task{Schedule: "0 9 * * *", State: task.StateActive,
			NextRunAt: at("2026-12-03T15:07:00Z")}, schedule: "7 15 3 12 *", zone: "Etc/UTC"},
		{name: "no cron: the next run's minute", t: task.Task{State: task.StateActive, NextRunAt: at("2026-12-01T10:20:00Z")},
			schedule: "20 10 1 12 *", zone: "Etc/UTC"},
		{name: "paused keeps its schedule, paused", t: task.Task{Schedule: "0 9 * * *", Timezone: "UTC", State: task.StatePaused,
			NextRunAt: at("2026-11-30T09:00:00Z")}, schedule: "0 9 * * *", zone: "UTC", paused: true},
		{name: "completed needs no job", t: task.Task{Schedule: "0 9 * * *", State: task.StateCompleted, NextRunAt: at("2026-11-30T09:00:00Z")}, none: true},
		{name: "nothing to run needs no job", t: task.Task{State: task.StatePaused}, none: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.t.ID = id
			spec, err := cs.Spec(tc.t)
			require.NoError(t, err)
			if tc.none {
				require.Nil(t, spec)
				return
			}
			require.Equal(t, tc.schedule, spec.Schedule)
			require.Equal(t, tc.zone, spec.TimeZone)
			require.Equal(t, tc.paused, spec.Paused)
			require.Equal(t, "projects/p/locations/europe-west1/jobs/task-"+id.String(), spec.Name)
		})
	}
	_, err = cs.Spec(task.Task{ID: id, Schedule: "61 * * * *", State: task.StateActive})
	require.Error(t, err, "a corrupt schedule is reported, not papered over")
}

func TestDiffNamesEveryKindOfDrift(t *testing.T) {
	const topic = "projects/p/topics/run-task"
	spec := &schedule.JobSpec{Name: "j", Schedule: "0 9 * * *", TimeZone: "UTC", Data: []byte(`{"a":1}`)}
	job := func(mut func(j *schedulerpb.Job)) *schedulerpb.Job {
		j := &schedulerpb.Job{Name: "j", Schedule: "0 9 * * *", TimeZone: "UTC", State: schedulerpb.Job_ENABLED,
			Target: &schedulerpb.Job_PubsubTarget{PubsubTarget: &schedulerpb.PubsubTarget{TopicName: topic, Data: []byte(`{"a":1}`)}}}
		if mut != nil {
			mut(j)
		}
		return j
	}
	require.Empty(t, schedule.Diff(spec, job(nil), topic))
	require.Equal(t, []schedule.Drift{schedule.DriftMissing}, schedule.Diff(spec, nil, topic))
	require.Equal(t, []schedule.Drift{schedule.DriftOrphan}, schedule.Diff(nil, job(nil), topic))
	require.Equal(t, []schedule.Drift{schedule.DriftSchedule}, schedule.Diff(spec, job(func(j *schedulerpb.Job) { j.TimeZone = "Europe/London" }), topic))
	require.Equal(t, []schedule.Drift{schedule.DriftTarget}, schedule.Diff(spec, job(func(j *schedulerpb.Job) { j.GetPubsubTarget().Data = []byte("{}") }), topic))
	require.Equal(t, []schedule.Drift{schedule.DriftPaused}, schedule.Diff(spec, job(func(j *schedulerpb.Job) { j.State = schedulerpb.Job_PAUSED }), topic))
	require.Equal(t, []schedule.Drift{schedule.DriftState}, schedule.Diff(spec, job(func(j *schedulerpb.Job) { j.State = schedulerpb.Job_UPDATE_FAILED }), topic))
	paused := *spec
	paused.Paused = true
	require.Equal(t, []schedule.Drift{schedule.DriftEnabled}, schedule.Diff(&paused, job(nil), topic))

	id, ok := schedule.TaskIDOfJob("projects/p/locations/l/jobs/task-7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11")
	require.True(t, ok)
	require.Equal(t, "7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11", id.String())
	for _, name := range []string{"projects/p/locations/l/jobs/tick", "projects/p/locations/l/jobs/task-nope", "task-x"} {
		_, ok := schedule.TaskIDOfJob(name)
		require.False(t, ok, name)
	}
}
