package platform_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook/webhooktest"
)

// crashTasks is how many tasks fall due at once before the crash.
const crashTasks = 50

// crashAnswered is how many runs finish, and notify, before the others hang in the agent.
const crashAnswered = 6

// torale dev killed with SIGKILL under load, inside runs, and started again on the same
// database: every fire claimed before the kill runs at the restart because recovery triggers it
// (the lease is 15 minutes; the test ends long before), each as the one execution of its fire,
// none is left running, and every notification is delivered once.
func TestLocalCrashRecoversEveryClaimedFire(t *testing.T) {
	t.Parallel()
	testCrashRecovery(t, "local", nil)
}

// The same for the functions server on its in-process bus, ticked as Cloud Scheduler would.
func TestFunctionsServerCrashRecoversEveryClaimedFire(t *testing.T) {
	t.Parallel()
	testCrashRecovery(t, "functions", tickEvery)
}

// tickEvery calls /tick as Cloud Scheduler would (faster: its minute is the test's 100 ms) until
// ctx ends.
func tickEvery(ctx context.Context, addr string) {
	for {
		req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/tick", nil)
		if err != nil {
			return
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func testCrashRecovery(t *testing.T, mode string, drive func(ctx context.Context, addr string)) {
	dbURL := storetest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	db, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	recv := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{})
	fake := &hangingAgent{answer: crashAnswered, hang: make(chan struct{})}
	agentSrv := httptest.NewServer(agentfn.New(fake, time.Minute, logging.Discard()))
	t.Cleanup(agentSrv.Close)
	env := []string{"DATABASE_URL=" + dbURL, "TORALE_AGENT_URL=" + agentSrv.URL, "TORALE_PUSH_AUTH=off",
		"TORALE_SCHEDULER=sweep", "TORALE_WEBHOOK_ALLOW_PRIVATE=true", "TORALE_DB_MAX_CONNS=20",
		"TORALE_NOTIFY_SECRET=0123456789abcdef0123456789abcdef", "TORALE_TEST_DATA_DIR=" + t.TempDir()}
	run := func() (*child, context.CancelFunc) {
		c := startChild(t, mode, env...)
		dctx, cancel := context.WithCancel(ctx)
		if drive != nil {
			go drive(dctx, c.addr)
		}
		return c, cancel
	}

	first, stopDriving := run()
	due := seedCrashTasks(t, st, recv.URL)
	// The kill comes once crashAnswered runs have notified and every worker hangs in the agent.
	require.Eventually(t, func() bool {
		c := countRuns(t, db)
		return c.delivered == crashAnswered && c.running > 0 && c.running == fake.hanging() &&
			c.pending+c.running+c.success == crashTasks
	}, 60*time.Second, 20*time.Millisecond, "runs in flight")
	first.kill(t)
	stopDriving()
	atKill := countRuns(t, db)
	require.Equal(t, crashTasks, atKill.pending+atKill.running+atKill.success, "every due fire was claimed: %+v", atKill)
	require.Positive(t, atKill.pending, "fires claimed and not started")
	fake.answerAll()

	second, stopDriving := run()
	defer stopDriving()
	require.Eventually(t, func() bool { return countRuns(t, db).delivered == crashTasks },
		60*time.Second, 20*time.Millisecond, "every task ran and notified after the restart")

	// Recovery at start triggered every claimed fire and took back every run the kill
	// interrupted; no lease ran out (none could: the claim's lease is 15 minutes).
	rec := second.logs.find("recovered runs")
	require.Len(t, rec, 1)
	require.EqualValues(t, atKill.pending, rec[0]["retriggered"], "claimed, not started")
	require.EqualValues(t, atKill.running, rec[0]["reaped"], "inside the agent at the kill")
	require.EqualValues(t, atKill.running, rec[0]["retried"])
	require.Equal(t, atKill.pending+atKill.running, fake.calls(), "each owed run asked the agent once")

	// One fire, one execution: at the fire's own time, none left running.
	end := countRuns(t, db)
	require.Equal(t, runCounts{success: crashTasks, delivered: crashTasks, deliveries: crashTasks, retried: atKill.running}, end)
	rows, err := db.Query(ctx, `SELECT task_id::text, scheduled_for FROM executions`)
	require.NoError(t, err)
	fires := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at time.Time
		require.NoError(t, rows.Scan(&id, &at))
		require.NotContains(t, fires, id, "a second execution of task %s", id)
		fires[id] = at.UTC()
	}
	require.NoError(t, rows.Err())
	require.Equal(t, due, fires)
	ids, requests := recv.Unique()
	require.Equal(t, crashTasks, ids, "one notification per task")
	require.Equal(t, crashTasks, requests, "each delivered once")
	second.stop(t)
}

// seedCrashTasks creates the due tasks, each notifying a webhook, and returns each task's fire.
func seedCrashTasks(t *testing.T, st *store.Store, hook string) map[string]time.Time {
	t.Helper()
	ctx := context.Background()
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:crash"})
	require.NoError(t, err)
	at := time.Now().UTC().Truncate(time.Millisecond)
	due := map[string]time.Time{}
	for i := range crashTasks {
		fire := at.Add(-time.Duration(i) * time.Millisecond)
		tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
			ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive,
			NextRunAt: &fire, Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: hook}}})
		require.NoError(t, err)
		due[tk.ID.String()] = fire
	}
	return due
}

// runCounts is the state of the runs and their notifications.
type runCounts struct {
	pending, running, success, other int
	retried                          int // runs on a second attempt
	deliveries, delivered            int
}

func countRuns(t *testing.T, db *pgxpool.Pool) runCounts {
	t.Helper()
	var c runCounts
	err := db.QueryRow(context.Background(), `SELECT
		count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'running'),
		count(*) FILTER (WHERE status = 'success'),
		count(*) FILTER (WHERE status NOT IN ('pending', 'running', 'success')),
		count(*) FILTER (WHERE attempt > 1),
		(SELECT count(*) FROM notification_deliveries),
		(SELECT count(*) FROM notification_deliveries WHERE status = 'delivered')
		FROM executions`).Scan(&c.pending, &c.running, &c.success, &c.other, &c.retried, &c.deliveries, &c.delivered)
	require.NoError(t, err)
	return c
}

// hangingAgent notifies at once for its first answer runs and hangs the rest, until answerAll.
type hangingAgent struct {
	mu      sync.Mutex
	answer  int
	n, hung int
	hang    chan struct{}
}

func (a *hangingAgent) Run(ctx context.Context, in agent.Input) (agent.Output, error) {
	a.mu.Lock()
	a.n++
	hang := a.hang != nil && a.n > a.answer
	if hang {
		a.hung++
	}
	wait := a.hang
	a.mu.Unlock()
	if hang {
		select {
		case <-wait:
		case <-ctx.Done():
			return agent.Output{}, ctx.Err()
		}
	}
	note := "It was announced."
	return agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &note,
		Sources: []task.Source{{URL: "https://example.com/news", Title: "News"}}}}, nil
}

// hanging is how many runs hang in the agent now.
func (a *hangingAgent) hanging() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hung
}

// answerAll makes every later run answer at once, and restarts the count of calls.
func (a *hangingAgent) answerAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.hang, a.n, a.hung = nil, 0, 0
}

// calls is how many runs asked since answerAll.
func (a *hangingAgent) calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}
