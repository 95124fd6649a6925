package task_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/task"
)

func TestDescribeCron(t *testing.T) {
	for expr, want := range map[string]string{
		"0 9 * * *":     "every day at 09:00",
		"@daily":        "every day at 00:00",
		"30 18 * * 1-5": "every weekday at 18:30",
		"0 9 * * 1":     "every Monday at 09:00",
		"0 9 * * sun":   "every Sunday at 09:00",
		"0 9 * * 7":     "every Sunday at 09:00",
		"15 * * * *":    "every hour at 15 past",
		"0 */6 * * *":   "every 6 hours at 0 past",
		"*/30 * * * *":  "every 30 minutes",
		"0 8 1 * *":     "on day 1 of every month at 08:00",
		"0 9 1,15 * *":  "",
		"0 9 * 1 *":     "",
		"0 9-17 * * *":  "",
	} {
		require.Equal(t, want, task.DescribeCron(expr), expr)
	}
}

func TestExplainNextRun(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	base := task.Task{State: task.StateActive, Schedule: "0 9 * * *", Timezone: "Europe/London", NextRunAt: &at}
	with := func(f func(*task.Task)) task.Task { t := base; f(&t); return t }
	cases := []struct {
		t    task.Task
		kind task.NextRunKind
		want string
	}{
		{with(func(t *task.Task) { t.NextRunCause = task.CauseSchedule }), task.NextRunBySchedule, "By its schedule: every day at 09:00 (Europe/London)."},
		{with(func(t *task.Task) { t.Schedule = "0 9 1,15 * *" }), task.NextRunBySchedule, "By its schedule: 0 9 1,15 * * in Europe/London."},
		{with(func(t *task.Task) { t.NextRunCause = task.CauseAgent }), task.NextRunByAgent, "The agent chose this time after the last run."},
		{with(func(t *task.Task) { t.NextRunCause = task.CauseAgentEarliest }), task.NextRunByAgent, "The agent asked to look again sooner; this is the earliest the minimum interval between runs allows."},
		{with(func(t *task.Task) { t.NextRunCause, t.Schedule = task.CauseGap, "" }), task.NextRunByAgent, "The agent picks when to look again and named no time after the last run, so the task waits the default interval."},
		{with(func(t *task.Task) { t.NextRunCause = task.CauseFirstRun }), task.NextRunFirst, "A new task runs right away."},
		{with(func(t *task.Task) { t.NextRunCause = task.CauseResumed }), task.NextRunFirst, "It was made active again, so it runs right away."},
		{with(func(t *task.Task) { t.NextRunCause, t.Schedule = task.CauseFailed, "" }), task.NextRunRetry, "The last run failed; it tries again after the default interval."},
		{with(func(t *task.Task) { t.NextRunCause = task.CauseClaimed }), task.NextRunRetry, "A run is under way; if it ends without setting the next run, the task is tried again at this time."},
		{with(func(t *task.Task) { t.State, t.NextRunCause = task.StatePaused, task.CauseAgent }), task.NextRunNone, "Paused: it does not run until you resume it."},
		{with(func(t *task.Task) { t.State = task.StateCompleted }), task.NextRunNone, "Completed: it does not run again unless you make it active."},
		{with(func(t *task.Task) { t.NextRunAt = nil }), task.NextRunNone, "No run is planned."},
	}
	for _, c := range cases {
		kind, summary := task.ExplainNextRun(c.t)
		require.Equal(t, c.kind, kind, c.want)
		require.Equal(t, c.want, summary)
	}
}

func TestNextAndFirstSayWhy(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	_, cause, err := task.First("0 9 * * *", "UTC", false, now)
	require.NoError(t, err)
	require.Equal(t, task.CauseSchedule, cause)
	_, cause, err = task.First("", "UTC", false, now)
	require.NoError(t, err)
	require.Equal(t, task.CauseFirstRun, cause, "without a schedule there is nothing to wait for")
	at, cause, err := task.Next("0 9 * * *", "UTC", nil, now, task.Rules{})
	require.NoError(t, err)
	require.Equal(t, task.CauseSchedule, cause)
	require.Equal(t, now.Add(time.Hour), at)
}

func TestUpcomingCrossesDaylightSaving(t *testing.T) {
	// London leaves summer time on 25 October 2026: the fires keep 09:00 on the wall clock and
	// carry the offset of their own date.
	now := time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)
	got, err := task.Upcoming("0 9 * * *", "Europe/London", 5, now)
	require.NoError(t, err)
	var out []string
	for _, at := range got {
		out = append(out, at.Format(time.RFC3339))
	}
	require.Equal(t, []string{"2026-10-23T09:00:00+01:00", "2026-10-24T09:00:00+01:00", "2026-10-25T09:00:00Z",
		"2026-10-26T09:00:00Z", "2026-10-27T09:00:00Z"}, out)
	none, err := task.Upcoming("", "Europe/London", 5, now)
	require.NoError(t, err)
	require.Equal(t, []time.Time{}, none)
}

func TestExplainChangeModeWithoutSchedule(t *testing.T) {
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	tk := task.Task{State: task.StateActive, NextRunAt: &at, NextRunCause: task.CauseGap, Timezone: "UTC", Mode: task.ModeChange}
	_, summary := task.ExplainNextRun(tk)
	require.Equal(t, "It has no schedule, so it reads its pages again after the default interval.", summary)
	tk.Mode = task.ModeAgent
	_, summary = task.ExplainNextRun(tk)
	require.Contains(t, summary, "The agent picks")
}
