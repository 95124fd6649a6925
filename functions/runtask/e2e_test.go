package runtask_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// pipeline is the cloud path end to end on one machine: the real Pub/Sub emulator pushes
// run-task messages to runtask on the functions server, which runs the shared gate and runner
// over a real PostgreSQL and publishes notify messages back to the emulator, whose push to the
// same server is counted.
type pipeline struct {
	t       *testing.T
	ctx     context.Context
	project string
	store   *store.Store
	user    store.User
	agent   *agenttest.Agent
	pub     *event.PubSub

	mu       sync.Mutex
	notified map[uuid.UUID]int // notify messages received, by delivery id
}

func newPipeline(t *testing.T, project string, a *agenttest.Agent) *pipeline {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:" + project})
	require.NoError(t, err)
	opts, err := emulator.ClientOptions()
	require.NoError(t, err)
	pub, err := event.NewPubSub(ctx, project, event.PubSubOptions{Client: opts})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pub.Close() })
	p := &pipeline{t: t, ctx: ctx, project: project, store: st, user: u, agent: a, pub: pub, notified: map[uuid.UUID]int{}}

	log := logging.Discard()
	r := runner.New(st, a, reconcile.NewOutboxPublisher(pub, st, time.Now, log), time.Now, log,
		runner.Config{MaxAttempts: 3, AgentTimeout: 10 * time.Second})
	gate := schedule.NewGate(st, r.HandleTask, time.Now, log)
	admin := emulator.Client(t, project)
	require.NoError(t, pubsubtest.CreatePush(ctx, admin, pubsubtest.Push{Project: project, Topic: event.TopicRunTask,
		Subscription: "runtask",
		Endpoint:     handle(t, project, event.TopicRunTask, runtask.New(gate, runtask.Config{Log: log}))}))
	require.NoError(t, pubsubtest.CreatePush(ctx, admin, pubsubtest.Push{Project: project, Topic: event.TopicNotify,
		Subscription: "notify", Endpoint: handle(t, project, event.TopicNotify, runtask.New(p, runtask.Config{Log: log}))}))
	return p
}

// HandleMessage counts a notify message; the pipeline is the notify topic's handler.
func (p *pipeline) HandleMessage(_ context.Context, data []byte) error {
	m, err := event.DecodeNotify(data)
	require.NoError(p.t, err)
	p.mu.Lock()
	p.notified[m.DeliveryID]++
	p.mu.Unlock()
	return nil
}

// dueTasks stores n active tasks due a minute ago, each notifying by email and webhook. They
// have no cron, so a finished run moves them a day on and a late copy of a trigger finds them
// not due.
func (p *pipeline) dueTasks(n int) []task.Task {
	p.t.Helper()
	at := time.Now().Add(-time.Minute)
	out := make([]task.Task, n)
	for i := range out {
		tk, err := p.store.CreateTask(p.ctx, store.NewTask{UserID: p.user.ID, Name: "Watch", SearchQuery: "iphone release date",
			ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive,
			NextRunAt: &at, Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "me@example.com"},
				{Type: task.ChannelWebhook, URL: "https://hooks.example.com/x"}}})
		require.NoError(p.t, err)
		out[i] = tk
	}
	return out
}

// publish sends m to run-task as a Cloud Scheduler job or the sweep would.
func (p *pipeline) publish(m event.RunTask) {
	p.t.Helper()
	b, err := json.Marshal(m)
	require.NoError(p.t, err)
	require.NoError(p.t, p.pub.Publish(p.ctx, event.TopicRunTask, b))
}

// waitSuccess waits until n runs succeeded and n×2 notify messages arrived, and returns the
// successful runs.
func (p *pipeline) waitSuccess(n int) []task.Execution {
	p.t.Helper()
	var runs []task.Execution
	require.Eventually(p.t, func() bool {
		var err error
		runs, err = p.store.ListAllExecutions(p.ctx, task.StatusSuccess, 10*n+10, nil)
		require.NoError(p.t, err)
		p.mu.Lock()
		notified := len(p.notified)
		p.mu.Unlock()
		return len(runs) >= n && notified >= 2*n
	}, 90*time.Second, 50*time.Millisecond, "runs and notifications did not all arrive")
	return runs
}

// checkExactlyOnce holds the invariants: one execution per task, one outbox row per channel,
// every outbox row published, and the agent asked once per task (plus retries).
func (p *pipeline) checkExactlyOnce(tasks []task.Task, runs []task.Execution, agentCalls int) {
	p.t.Helper()
	require.Len(p.t, runs, len(tasks))
	perTask := map[uuid.UUID]int{}
	for _, e := range runs {
		perTask[e.TaskID]++
		ds, err := p.store.ListDeliveries(p.ctx, p.user.ID, e.ID)
		require.NoError(p.t, err)
		require.Len(p.t, ds, 2, "one outbox row per channel")
		require.NotEqual(p.t, ds[0].Channel, ds[1].Channel)
	}
	for _, tk := range tasks {
		require.Equal(p.t, 1, perTask[tk.ID], "task %s", tk.ID)
		list, err := p.store.ListExecutions(p.ctx, p.user.ID, tk.ID, 10, nil)
		require.NoError(p.t, err)
		require.Len(p.t, list, 1, "no other execution of task %s", tk.ID)
	}
	require.Equal(p.t, agentCalls, p.agent.Calls())
	unpublished, err := p.store.UnpublishedDeliveries(p.ctx, time.Now().Add(time.Hour), 10000)
	require.NoError(p.t, err)
	require.Empty(p.t, unpublished, "every outbox row's notify message went out")
}

func notifying() agenttest.Reply {
	text := "It was announced."
	return agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &text,
		Sources: []task.Source{{URL: "https://example.com", Title: "Example"}}}}}
}

func TestPushDispatchRunsEachDueTaskOnce(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, "e2e-sweep", agenttest.New(notifying()))
	tasks := p.dueTasks(500)
	n, err := schedule.NewSweeper(p.store, p.pub, time.Now, logging.Discard(), schedule.SweepConfig{}).Sweep(p.ctx)
	require.NoError(t, err)
	require.Equal(t, 500, n)
	p.checkExactlyOnce(tasks, p.waitSuccess(500), 500)
}

func TestEveryMessageDeliveredTwiceRunsOnce(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, "e2e-twice", agenttest.New(notifying()))
	tasks := p.dueTasks(200)
	for i, tk := range tasks {
		m := event.RunTask{Version: event.Version, TaskID: tk.ID, UserID: p.user.ID}
		if i%2 == 1 {
			m.ScheduledFor = tk.NextRunAt // as the sweep sends it; the others as a job does
		}
		p.publish(m)
		p.publish(m)
	}
	p.waitSuccess(200)
	// Let the second copies and any redeliveries land before counting.
	time.Sleep(time.Second)
	runs := p.waitSuccess(200)
	p.checkExactlyOnce(tasks, runs, 200)
	p.mu.Lock()
	defer p.mu.Unlock()
	require.Len(t, p.notified, 400)
}

func TestTransientFailureIsRedeliveredAndSucceeds(t *testing.T) {
	t.Parallel()
	busy := agenttest.Reply{Err: &agent.Error{Category: task.CategoryRateLimit, Message: "the search provider is busy", Retryable: true}}
	p := newPipeline(t, "e2e-retry", agenttest.New(busy, busy, notifying()))
	tasks := p.dueTasks(3)
	for _, tk := range tasks {
		p.publish(event.RunTask{Version: event.Version, TaskID: tk.ID, UserID: p.user.ID})
	}
	runs := p.waitSuccess(3)
	p.checkExactlyOnce(tasks, runs, 5)
	attempts := 0
	for _, e := range runs {
		attempts += e.Attempt
	}
	require.Equal(t, 5, attempts, "two runs were tried twice, redelivered by Pub/Sub")
}

var _ http.Handler = runtask.New(nil, runtask.Config{})
