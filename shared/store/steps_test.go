package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// A run's trail: each attempt's steps are appended, stamped with the attempt, and only the
// owner reads them; the findings the decision saw are stored once per content, whichever runs
// saw them, and those no run has seen for the retention are deleted in batches while the
// steps stay.
func TestRunTrailAndFindings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:trail"})
	require.NoError(t, err)
	other, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:nosy"})
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Millisecond)
	b := testBundle{ctx: ctx, store: s, user: u, now: now}
	tk := b.task(t, u, now)

	fire := now.Add(-time.Minute)
	start := func(at time.Time) int {
		e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &fire, Now: at, Deadline: at.Add(time.Hour)})
		require.NoError(t, err)
		return e.Attempt
	}
	require.Equal(t, 1, start(now))
	exec, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &fire, Now: now, Deadline: now.Add(time.Hour)})
	require.ErrorIs(t, err, store.ErrConflict, "the first attempt is running")
	_ = exec
	runs, err := s.ListExecutions(ctx, u.ID, tk.ID, 1, nil)
	require.NoError(t, err)
	id := runs[0].ID

	report := task.Finding{Kind: "report", Text: "Apple says: iPhone 18 ships in September [1]"}
	newsroom := task.Finding{Kind: "page", URL: "https://www.apple.com/newsroom/", Title: "Newsroom", Text: "OFFICIAL: it ships", Read: true}
	rumours := task.Finding{Kind: "page", URL: "https://rumours.example.com/", Title: "Rumours", Text: "RUMOUR: late September"}

	retryBy := now.Add(time.Hour)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: id, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusRetrying, Error: "the model is overloaded", Category: task.CategoryRateLimit, RetryBy: &retryBy,
		Steps: []task.Step{
			{Kind: task.StepModel, At: now, Duration: 1500 * time.Millisecond, Purpose: "search", Model: "gemini-x", Failure: "the model is overloaded"},
			{Kind: task.StepRetry, At: now, Purpose: "run", Failure: "the model is overloaded"},
		}})
	require.NoError(t, err)
	later := now.Add(time.Minute)
	require.Equal(t, 2, start(later))
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: id, UserID: u.ID, TaskID: tk.ID, Attempt: 2, Now: later,
		Status: task.StatusSuccess, Result: &task.Result{Evidence: "e"},
		Usage: task.Usage{Model: "gemini-x", PromptTokens: 120, OutputTokens: 30, SearchQueries: 1, CostUSD: 0.0351},
		Steps: []task.Step{
			{Kind: task.StepModel, At: later, Duration: 800 * time.Millisecond, Purpose: "search", Model: "gemini-x", PromptTokens: 100, OutputTokens: 20, CostUSD: 0.0001},
			{Kind: task.StepSearch, At: later, Duration: 800 * time.Millisecond, Queries: []string{"iphone 18 release date"}, Results: 1, CostUSD: 0.035},
			{Kind: task.StepPage, At: later, Duration: 40 * time.Millisecond, URL: "https://www.apple.com/newsroom/", Status: 200, Bytes: 5120},
			{Kind: task.StepPage, At: later, Duration: 10 * time.Second, URL: "https://slow.example.com/", Failure: "the page did not answer within 10s"},
			{Kind: task.StepModel, At: later, Purpose: "decide", Model: "gemini-x", PromptTokens: 20, OutputTokens: 10},
			{Kind: task.StepDecision, At: later, Confidence: 40, Silence: task.SilenceLowConfidence},
		},
		Findings: []task.Finding{report, newsroom}})
	require.NoError(t, err)

	steps, err := s.ExecutionSteps(ctx, u.ID, id)
	require.NoError(t, err)
	var kinds []task.StepKind
	var attempts []int
	for _, st := range steps {
		kinds, attempts = append(kinds, st.Kind), append(attempts, st.Attempt)
	}
	require.Equal(t, []task.StepKind{task.StepModel, task.StepRetry, task.StepModel, task.StepSearch, task.StepPage, task.StepPage,
		task.StepModel, task.StepDecision}, kinds)
	require.Equal(t, []int{1, 1, 2, 2, 2, 2, 2, 2}, attempts)
	require.Equal(t, "the model is overloaded", steps[0].Failure)
	require.Equal(t, 1500*time.Millisecond, steps[0].Duration)
	require.Equal(t, []string{"iphone 18 release date"}, steps[3].Queries)
	require.Equal(t, 1, steps[3].Results)
	require.Equal(t, int64(5120), steps[4].Bytes)
	require.Equal(t, 200, steps[4].Status)
	require.Equal(t, "the page did not answer within 10s", steps[5].Failure)
	require.Equal(t, task.SilenceLowConfidence, steps[7].Silence)
	require.True(t, steps[2].At.Equal(later))

	theirs, err := s.ExecutionSteps(ctx, other.ID, id)
	require.NoError(t, err)
	require.Empty(t, theirs, "another user reads no steps")
	theirFindings, err := s.ExecutionFindings(ctx, other.ID, id)
	require.NoError(t, err)
	require.Empty(t, theirFindings)

	got, err := s.ExecutionFindings(ctx, u.ID, id)
	require.NoError(t, err)
	require.Equal(t, []task.Finding{report, newsroom}, got)

	// Another task's run saw the same page and another one: the page is stored once.
	second := b.task(t, u, now)
	e2, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: second.ID, ScheduledFor: &fire, Now: later, Deadline: later.Add(time.Hour)})
	require.NoError(t, err)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e2.ID, UserID: u.ID, TaskID: second.ID, Attempt: 1, Now: later,
		Status: task.StatusSuccess, Result: &task.Result{}, Findings: []task.Finding{newsroom, rumours, newsroom}})
	require.NoError(t, err)
	count := func() int {
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM findings`).Scan(&n))
		return n
	}
	require.Equal(t, 3, count())
	got, err = s.ExecutionFindings(ctx, u.ID, e2.ID)
	require.NoError(t, err)
	require.Equal(t, []task.Finding{newsroom, rumours, newsroom}, got)

	// Forty days on, a run sees the newsroom page again: it is marked seen; the others expire.
	_, err = conn.Exec(ctx, `UPDATE findings SET seen_at = seen_at - interval '40 days'`)
	require.NoError(t, err)
	e3, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: second.ID, ScheduledFor: &later, Now: later, Deadline: later.Add(time.Hour)})
	require.NoError(t, err)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e3.ID, UserID: u.ID, TaskID: second.ID, Attempt: 1, Now: later,
		Status: task.StatusSuccess, Result: &task.Result{}, Findings: []task.Finding{newsroom}})
	require.NoError(t, err)
	n, err := s.DeleteExpiredFindings(ctx, later.Add(-30*24*time.Hour), 1, 10)
	require.NoError(t, err)
	require.Equal(t, 2, n, "one a batch, until a batch comes back short")
	require.Equal(t, 1, count())
	got, err = s.ExecutionFindings(ctx, u.ID, id)
	require.NoError(t, err)
	require.Equal(t, []task.Finding{newsroom}, got, "an expired finding is left out")
	steps, err = s.ExecutionSteps(ctx, u.ID, id)
	require.NoError(t, err)
	require.Len(t, steps, 8, "the steps stay as long as the run")

	// Deleting the account takes the findings its runs saw, which have no owner of their own.
	require.NoError(t, s.DeleteUser(ctx, u.ID))
	require.Zero(t, count())
}
