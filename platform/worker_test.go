package platform_test

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// deepTasks is how many deep runs the worker test hands over; deepLives how many worker
// processes are stopped mid-run before the last one is let finish.
const (
	deepTasks = 24
	deepLives = 8
)

// The deep-run worker on the Pub/Sub emulator, stopped again and again while runs work in it:
// each life gets SIGTERM (then SIGKILL once its grace is over) or, every third, a SIGKILL at once
// as a lost node would. Every run handed over is recorded exactly once, and notifies once.
func TestWorkerKilledMidRunLosesAndRepeatsNothing(t *testing.T) {
	ctx := context.Background()
	emu, err := pubsubtest.Start(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = emu.Stop() })
	const project = "torale-worker-test"
	admin := emu.Client(t, project)
	for _, topic := range []string{event.TopicDeepRun, event.TopicRunTask, event.TopicNotify} {
		require.NoError(t, pubsubtest.CreateTopic(ctx, admin, project, topic))
	}
	_, err = admin.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
		Name:  "projects/" + project + "/subscriptions/deep-run",
		Topic: event.TopicName(project, event.TopicDeepRun), AckDeadlineSeconds: 10})
	require.NoError(t, err)
	opts, err := emu.ClientOptions()
	require.NoError(t, err)
	pub, err := event.NewPubSub(ctx, project, event.PubSubOptions{Client: opts})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pub.Close() })

	dbURL := storetest.URL(t)
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	db, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(db.Close)

	fake := &slowAgent{}
	agentSrv := httptest.NewServer(agentfn.New(fake, time.Minute, logging.Discard()))
	t.Cleanup(agentSrv.Close)
	env := []string{"DATABASE_URL=" + dbURL, "TORALE_AGENT_URL=" + agentSrv.URL, "TORALE_PUSH_AUTH=off",
		"TORALE_PUBSUB_PROJECT=" + project, "PUBSUB_EMULATOR_HOST=" + emu.Host, "TORALE_SHUTDOWN_GRACE=7s",
		"TORALE_WORKER_CONCURRENCY=6", "TORALE_DB_MAX_CONNS=10"}

	// runtask's part: the sweep claims the due deep tasks and each fire is handed over.
	seedDeepTasks(t, st)
	claims, err := st.ClaimDueTasks(ctx, time.Now(), time.Now().Add(time.Hour), deepTasks)
	require.NoError(t, err)
	require.Len(t, claims, deepTasks)
	for _, c := range claims {
		at := c.ScheduledFor
		require.NoError(t, event.PublishJSON(ctx, pub, event.TopicDeepRun,
			event.RunTask{Version: event.Version, TaskID: c.TaskID, UserID: c.UserID, ScheduledFor: &at}))
	}
	// The tick's part: the reaper takes back runs whose worker died (SIGKILL) and triggers them
	// again; its run-task message reaches the worker as runtask's hand-over would.
	reaper := runner.NewReaper(st, handOver{pub}, time.Now, logging.Discard(), runner.Config{MaxAttempts: 100})

	handedBack, killed := 0, 0
	began := time.Now()
	for life := range deepLives {
		t.Logf("life %d at %s: %+v", life, time.Since(began).Round(time.Millisecond), countRuns(t, db))
		w := startChild(t, "worker", env...)
		// Stop it while runs are in it.
		require.Eventually(t, func() bool { return fake.inFlight() > 0 || countRuns(t, db).success == deepTasks },
			60*time.Second, 10*time.Millisecond)
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		if life%3 == 2 {
			w.kill(t)
			killed++
		} else {
			require.NoError(t, w.cmd.Process.Signal(syscall.SIGTERM))
			exited := make(chan struct{})
			go func() { _ = w.cmd.Wait(); close(exited) }()
			select {
			case <-exited:
			case <-time.After(7 * time.Second):
				_ = w.cmd.Process.Kill()
				<-exited
				killed++
			}
			<-w.done
			handedBack += len(w.logs.find("deep run handed back"))
		}
		// A run its dead worker left running is owed: wait out its deadline (here by moving it,
		// as the hour would), and the reaper triggers it again.
		_, err := db.Exec(ctx, `UPDATE executions SET deadline_at = now() - interval '1 second' WHERE status = 'running'`)
		require.NoError(t, err)
		_, err = reaper.Reap(ctx)
		require.NoError(t, err)
	}
	t.Logf("last life at %s: %+v", time.Since(began).Round(time.Millisecond), countRuns(t, db))
	last := startChild(t, "worker", env...)
	require.Eventually(t, func() bool { return countRuns(t, db).success == deepTasks }, 3*time.Minute, 50*time.Millisecond,
		"every deep run finished after %d lives", deepLives)
	t.Logf("all done at %s", time.Since(began).Round(time.Millisecond))
	last.stop(t)

	require.Positive(t, handedBack, "some runs were handed back at SIGTERM")
	end := countRuns(t, db)
	require.Equal(t, deepTasks, end.success, "0 lost: %+v", end)
	require.Zero(t, end.pending+end.running+end.other, "nothing left unfinished or failed: %+v", end)
	require.Equal(t, deepTasks, end.deliveries, "one notification per run, none twice")
	require.Positive(t, end.retried, "interrupted runs ran again under the same execution")
	var perTask int
	require.NoError(t, db.QueryRow(ctx, `SELECT max(n) FROM (SELECT count(*) AS n FROM executions GROUP BY task_id) c`).Scan(&perTask))
	require.Equal(t, 1, perTask, "one execution per fire")
	var dupFacts int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM (SELECT execution_id FROM notification_deliveries
		GROUP BY execution_id HAVING count(*) > 1) d`).Scan(&dupFacts))
	require.Zero(t, dupFacts)
	t.Logf("%d deep runs over %d worker lives: %d handed back at SIGTERM, %d lives ended by SIGKILL, %d agent calls, %d runs retried",
		deepTasks, deepLives+1, handedBack, killed, fake.calls(), end.retried)
}

// handOver publishes the reaper's run-task triggers to the deep-run topic, as runtask hands a
// deep task's trigger over.
type handOver struct{ pub *event.PubSub }

func (h handOver) Publish(ctx context.Context, topic string, data []byte) error {
	if topic == event.TopicRunTask {
		topic = event.TopicDeepRun
	}
	return h.pub.Publish(ctx, topic, data)
}

func seedDeepTasks(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:deep"})
	require.NoError(t, err)
	at := time.Now().Add(-time.Second).UTC().Truncate(time.Millisecond)
	for range deepTasks {
		_, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Deep watch", SearchQuery: "iphone release date",
			ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, Depth: task.DepthDeep,
			State: task.StateActive, NextRunAt: &at,
			Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: "https://hooks.example.com/deep"}}})
		require.NoError(t, err)
	}
}

// slowAgent researches for 0.5 to 3 s (a deep run, shortened), then notifies; a run whose
// caller goes away stops at once.
type slowAgent struct {
	mu       sync.Mutex
	n, doing int
}

func (a *slowAgent) Run(ctx context.Context, in agent.Input) (agent.Output, error) {
	a.mu.Lock()
	a.n++
	a.doing++
	a.mu.Unlock()
	defer func() { a.mu.Lock(); a.doing--; a.mu.Unlock() }()
	if in.Depth != task.DepthDeep {
		return agent.Output{}, &agent.Error{Category: task.CategorySystem, Message: "a deep run arrived as routine"}
	}
	select {
	case <-time.After(500*time.Millisecond + time.Duration(rand.IntN(2500))*time.Millisecond):
	case <-ctx.Done():
		return agent.Output{}, ctx.Err()
	}
	note := "It was announced."
	return agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &note,
		Sources: []task.Source{{URL: "https://example.com/news", Title: "News"}}}}, nil
}

func (a *slowAgent) inFlight() int { a.mu.Lock(); defer a.mu.Unlock(); return a.doing }
func (a *slowAgent) calls() int    { a.mu.Lock(); defer a.mu.Unlock(); return a.n }
