package task

// NextRunKind is what decided a task's next run, as users are told it: the finer NextRunCause
// stays inside, so the wire's short list does not grow with every way the code sets a time.
type NextRunKind string

// The kinds of next run.
const (
	// NextRunBySchedule is the cron schedule's next fire.
	NextRunBySchedule NextRunKind = "schedule"
	// NextRunByAgent is a time the agent chose (or, when it named none, the default interval).
	NextRunByAgent NextRunKind = "agent"
	// NextRunRetry follows a failed or unfinished run.
	NextRunRetry NextRunKind = "retry"
	// NextRunFirst is a new (or re-activated) task, due right away.
	NextRunFirst NextRunKind = "first_run"
	// NextRunNone is a paused or completed task: it has no next run.
	NextRunNone NextRunKind = "none"
)

// ExplainNextRun says what decided t's next run and, in one plain sentence, why it is then.
func ExplainNextRun(t Task) (NextRunKind, string) {
	switch {
	case t.State == StatePaused:
		return NextRunNone, "Paused: it does not run until you resume it."
	case t.State == StateCompleted:
		return NextRunNone, "Completed: it does not run again unless you make it active."
	case t.NextRunAt == nil:
		return NextRunNone, "No run is planned."
	}
	if t.Mode == ModeChange && t.Schedule == "" && (t.NextRunCause == CauseGap || t.NextRunCause == CauseSchedule || t.NextRunCause == "") {
		// No agent picks a change-mode watch's time: with no schedule it waits the default interval.
		return NextRunByAgent, "It has no schedule, so it reads its pages again after the default interval."
	}
	switch t.NextRunCause {
	case CauseGap:
		return NextRunByAgent, "The agent picks when to look again and named no time after the last run, so the task waits the default interval."
	case CauseAgent:
		return NextRunByAgent, "The agent chose this time after the last run."
	case CauseAgentEarliest:
		return NextRunByAgent, "The agent asked to look again sooner; this is the earliest the minimum interval between runs allows."
	case CauseAgentLatest:
		return NextRunByAgent, "The agent asked to look again later; this is the furthest ahead a run may be set."
	case CauseFirstRun:
		return NextRunFirst, "A new task runs right away."
	case CauseResumed:
		return NextRunFirst, "It was made active again, so it runs right away."
	case CauseFailed:
		return NextRunRetry, "The last run failed; it tries again " + regularRun(t) + "."
	case CauseClaimed:
		return NextRunRetry, "A run is under way; if it ends without setting the next run, the task is tried again at this time."
	case CauseRetrying:
		return NextRunRetry, "The last run failed with an error that may pass and is being tried again; if the retries end without setting the next run, the task runs again at this time."
	}
	if t.Schedule == "" {
		return NextRunByAgent, "The agent picks when to look again."
	}
	return NextRunBySchedule, "By its schedule: " + scheduleWords(t) + "."
}

// regularRun says when a task runs when nothing else decides.
func regularRun(t Task) string {
	if t.Schedule == "" {
		return "after the default interval"
	}
	return "at its schedule's next time (" + scheduleWords(t) + ")"
}

// scheduleWords is the schedule in words with its zone: "every day at 09:00 (Europe/London)",
// or the expression itself when it has no plain wording: "0 9 1,15 * * in Europe/London".
func scheduleWords(t Task) string {
	if words := DescribeCron(t.Schedule); words != "" {
		return words + " (" + t.Timezone + ")"
	}
	return t.Schedule + " in " + t.Timezone
}
