package task

// RecentResultsRead is how many of a task's last successful results a run shows the agent, so
// it can tell what it already reported.
const RecentResultsRead = 5

// FactsRecalled bounds the facts a run is shown from its task's memory: the newest are what a
// run is most likely to repeat, and a long list only makes the prompt dearer.
const FactsRecalled = 50

// RunReads is what a run reads besides its task, read in the same statement as the task by the
// gate before the run (one round trip instead of four on every run's path: bench/dispatch).
type RunReads struct {
	// Recent are the task's last successful results, newest first, at most RecentResultsRead.
	Recent []Result
	// Facts are the newest facts the task's memory holds in PostgreSQL (task_memory), at most
	// FactsRecalled; a memory kept elsewhere (Mem0) reads its own.
	Facts []string
	// Spend is the month's spend the run's spend check weighs, as of the read.
	Spend MonthSpend
	// OpenAlertCauses are the causes of the task's open alerts, which the run's end resolves
	// when it goes well: usually none, and then it need not look.
	OpenAlertCauses []AlertCause
}

// MonthSpend is what a task's runs cost in a calendar month (UTC) and how many of them cost
// anything, beside what all its owner's runs cost that month and the owner's own cap (nil: the
// platform's).
type MonthSpend struct {
	SpentUSD     float64
	PaidRuns     int
	UserSpentUSD float64
	UserCapUSD   *float64
}
