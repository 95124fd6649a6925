package task

import "time"

// NextRunCause is what set a task's next run. It is stored beside next_run_at by whoever sets
// it, because afterwards nobody can tell an agent's chosen time from a cron fire or a lease.
type NextRunCause string

// The causes of a next run.
const (
	// CauseSchedule is the cron schedule's next fire.
	CauseSchedule NextRunCause = "schedule"
	// CauseGap is a task without a schedule whose agent named no time: Rules.DefaultGap on.
	CauseGap NextRunCause = "gap"
	// CauseAgent is the time the agent proposed, as it proposed it.
	CauseAgent NextRunCause = "agent"
	// CauseAgentEarliest is an agent's proposal moved later, to Rules.MinInterval after the run.
	CauseAgentEarliest NextRunCause = "agent_earliest"
	// CauseAgentLatest is an agent's proposal moved earlier, to Rules.MaxAhead after the run.
	CauseAgentLatest NextRunCause = "agent_latest"
	// CauseFirstRun is a new task, due right away.
	CauseFirstRun NextRunCause = "first_run"
	// CauseResumed is a task made active again, due right away.
	CauseResumed NextRunCause = "resumed"
	// CauseFailed is the next regular run after a run that failed for good.
	CauseFailed NextRunCause = "failed"
	// CauseClaimed is the sweep's lease on a fire being run: the task is tried again then only
	// if the run ends without setting the next run.
	CauseClaimed NextRunCause = "claimed"
	// CauseRetrying is a claimed fire whose run failed with an error that may pass and is being
	// tried again.
	CauseRetrying NextRunCause = "retrying"
)

// Next is NextRun with the cause of the time it returns, to be stored with it.
func Next(schedule, timezone string, proposed *time.Time, now time.Time, rules Rules) (time.Time, NextRunCause, error) {
	rules = rules.withDefaults()
	c, hasCron, err := optionalCron(schedule, timezone)
	if err != nil {
		return time.Time{}, "", err
	}
	switch {
	case proposed != nil:
		lowest, highest := now.Add(rules.MinInterval), now.Add(rules.MaxAhead)
		if proposed.Before(lowest) {
			return lowest, CauseAgentEarliest, nil
		}
		if proposed.After(highest) {
			return highest, CauseAgentLatest, nil
		}
		return *proposed, CauseAgent, nil
	case hasCron:
		return c.Next(now), CauseSchedule, nil
	default:
		return now.Add(rules.DefaultGap), CauseGap, nil
	}
}

// First is FirstRun with the cause of the time it returns.
func First(schedule, timezone string, runImmediately bool, now time.Time) (time.Time, NextRunCause, error) {
	c, hasCron, err := optionalCron(schedule, timezone)
	if err != nil {
		return time.Time{}, "", err
	}
	if runImmediately || !hasCron {
		return now, CauseFirstRun, nil
	}
	return c.Next(now), CauseSchedule, nil
}
