package runner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/task"
)

// The runner stores what decided each next run it sets, so the dashboard can say why a task
// runs when it does (issue 12).

func proposing(at time.Time) agenttest.Reply {
	return agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "nothing yet", Confidence: 80, NextRun: &at}}}
}

func TestTheRunnerStoresWhatDecidedTheNextRun(t *testing.T) {
	cases := []struct {
		name      string
		schedule  string
		reply     func(now time.Time) agenttest.Reply
		wantAfter time.Duration // from the bundle's now
		want      task.NextRunCause
	}{
		{"the agent's time", "0 12 * * *", func(now time.Time) agenttest.Reply { return proposing(now.Add(6 * time.Hour)) }, 6 * time.Hour, task.CauseAgent},
		{"too soon, moved to the minimum interval", "", func(now time.Time) agenttest.Reply { return proposing(now.Add(time.Minute)) }, 15 * time.Minute, task.CauseAgentEarliest},
		{"too far, moved to the furthest allowed", "", func(now time.Time) agenttest.Reply { return proposing(now.AddDate(1, 0, 0)) }, 30 * 24 * time.Hour, task.CauseAgentLatest},
		{"no proposal, the cron", "0 12 * * *", func(time.Time) agenttest.Reply { return notifying("x") }, 3 * time.Hour, task.CauseSchedule},
		{"no proposal, no schedule", "", func(time.Time) agenttest.Reply {
			return agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "quiet", Confidence: 70}}}
		}, 24 * time.Hour, task.CauseGap},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := setup(t)
			tk, msg := b.dueTask(t, c.schedule, task.NotifyAlways)
			require.NoError(t, b.runner(agenttest.New(c.reply(b.now))).Handle(b.ctx, msg))
			got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
			require.NoError(t, err)
			require.Equal(t, b.now.Add(c.wantAfter), got.NextRunAt.UTC())
			require.Equal(t, c.want, got.NextRunCause)
		})
	}
}

func TestAClaimedFireThatFailsIsARetry(t *testing.T) {
	b := setup(t)
	tk, _ := b.dueTask(t, "0 12 * * *", task.NotifyOnce)
	claims, err := b.store.ClaimDueTasks(b.ctx, b.now, b.now.Add(15*time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claims, 1)
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.CauseClaimed, got.NextRunCause, "the lease is the time the fire is tried again")

	busy := &agent.Error{Category: task.CategoryRateLimit, Message: "the search provider is busy", Retryable: true}
	r := b.runner(agenttest.New(agenttest.Reply{Err: busy}))
	msg := event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: &claims[0].ScheduledFor}
	require.ErrorIs(t, r.Handle(b.ctx, msg), runner.ErrRetry)
	got, err = b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.CauseRetrying, got.NextRunCause)
	require.Equal(t, b.now.Add(15*time.Minute), got.NextRunAt.UTC(), "a retry leaves the lease where it was")

	require.NoError(t, r.Handle(b.ctx, msg), "the last attempt fails for good")
	got, err = b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.CauseFailed, got.NextRunCause)
	require.Equal(t, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), got.NextRunAt.UTC(), "the schedule's next fire")
	kind, summary := task.ExplainNextRun(got)
	require.Equal(t, task.NextRunRetry, kind)
	require.Equal(t, "The last run failed; it tries again at its schedule's next time (every day at 12:00 (UTC)).", summary)
}
