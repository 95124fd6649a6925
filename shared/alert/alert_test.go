package alert_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/alert"
	"github.com/torale-ai/torale/shared/budget"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
	"github.com/torale-ai/torale/shared/webhook/webhooktest"
)

// testBundle is a user with a verified sign-in address and a default webhook, the alert
// service, and a notifier that mails to a local mailbox and posts to a local receiver.
type testBundle struct {
	ctx    context.Context
	s      *store.Store
	clk    *clocktest.Clock
	recv   *webhooktest.Receiver
	box    *email.Mailbox
	n      *outbox.Notifier
	alerts *alert.Service
	user   store.User
}

func setup(t *testing.T) testBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	// Runs are dated by the database's clock, and spend is counted by calendar month: the test
	// clock keeps to the real one.
	clk := clocktest.New(time.Now().UTC())
	recv := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true})
	guard := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.Addr}, TLSConfig: recv.ClientTLS})
	keys := outboxtest.Keys(t)
	alerts := alert.New(s, &eventtest.Recorder{}, clk.Now, logging.Discard(), alert.Config{})
	hook := webhook.NewSender(webhook.Deps{Store: s, Keys: keys, Guard: guard, PublicURL: "https://torale.example",
		Reporter: alerts, Now: clk.Now, Log: logging.Discard()})
	box := email.NewMailbox(logging.Discard(), clk.Now)
	mail := email.NewSender(box, s, email.NewRenderer("https://torale.example", keys), clk.Now)
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook, task.ChannelEmail: mail}, clk.Now, logging.Discard())
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "clerk:user_" + uuid.NewString()[:8], Email: "owner@example.com"})
	require.NoError(t, err)
	_, err = s.SetWebhook(ctx, u.ID, recv.URL, true, notifykey.NewSalt(), "", clk.Now())
	require.NoError(t, err)
	return testBundle{ctx: ctx, s: s, clk: clk, recv: recv, box: box, n: n, alerts: alerts, user: u}
}

func (b testBundle) task(t *testing.T, schedule string, next time.Time, notify ...task.Notification) task.Task {
	t.Helper()
	tk, err := b.s.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "iPhone 18 date", SearchQuery: "iphone 18 release date",
		ConditionDescription: "a date is announced", Schedule: schedule, Timezone: "UTC", NotifyBehavior: task.NotifyAlways,
		Notifications: notify, State: task.StateActive, NextRunAt: &next})
	require.NoError(t, err)
	return tk
}

func (b testBundle) runner(a agent.Agent, spend runner.SpendGuard) *runner.Runner {
	return runner.New(b.s, a, &eventtest.Recorder{}, b.clk.Now, logging.Discard(),
		runner.Config{MaxAttempts: 1, AgentTimeout: time.Second, Alerts: b.alerts, Spend: spend})
}

// run makes one manual run of tk through r, behind the gate as runtask runs it (the gate reads
// the task with what the run reads besides it).
func (b testBundle) run(t *testing.T, r *runner.Runner, tk task.Task) task.Execution {
	t.Helper()
	return b.runVia(t, r, tk, true)
}

// runVia is run, behind the gate or with r reading the task itself (gated false).
func (b testBundle) runVia(t *testing.T, r *runner.Runner, tk task.Task, gated bool) task.Execution {
	t.Helper()
	e, err := b.s.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	m := event.RunTask{Version: event.Version, TaskID: tk.ID, UserID: b.user.ID, ExecutionID: &e.ID}
	if gated {
		err = schedule.NewGate(b.s, r.HandleTask, b.clk.Now, logging.Discard()).Handle(b.ctx, m)
	} else {
		err = r.Handle(b.ctx, m)
	}
	require.NoError(t, err)
	e, err = b.s.GetExecution(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	return e
}

// sent delivers every due outbox row and returns the mail and webhooks sent so far.
func (b testBundle) sent(t *testing.T) ([]email.Mail, []webhook.AlertEvent) {
	t.Helper()
	_, err := b.n.DeliverDue(b.ctx)
	require.NoError(t, err)
	var events []webhook.AlertEvent
	for _, h := range b.recv.Hooks() {
		var ev webhook.AlertEvent
		require.NoError(t, json.Unmarshal(h.Body, &ev))
		events = append(events, ev)
	}
	mails := b.box.All() // oldest first; each test's user has a mailbox of their own
	return mails, events
}

func (b testBundle) openAlerts(t *testing.T, tk task.Task) []task.Alert {
	t.Helper()
	open, err := b.s.OpenAlertsOf(b.ctx, b.user.ID, []uuid.UUID{tk.ID})
	require.NoError(t, err)
	return open[tk.ID]
}

var failure = agenttest.Reply{Err: &agent.Error{Category: task.CategoryAgent, Message: "the search service refused the query"}}

func success(cost float64) agenttest.Reply {
	return agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "nothing yet", Confidence: 80},
		Silence: task.SilenceConditionNotMet, Usage: task.Usage{Model: "gemini-3.5-flash", CostUSD: cost}}}
}

func TestThreeFailuresAlertOnceAndRecoveryOnce(t *testing.T) {
	b := setup(t)
	tk := b.task(t, "0 * * * *", b.clk.Now().Add(time.Hour))
	fake := agenttest.New(failure, failure, failure, failure, success(0))
	r := b.runner(fake, nil)

	for i := 1; i <= 2; i++ {
		require.Equal(t, task.StatusFailed, b.run(t, r, tk).Status)
		mails, hooks := b.sent(t)
		require.Empty(t, mails, "failure %d alone alerts nobody", i)
		require.Empty(t, hooks)
	}
	b.run(t, r, tk)
	mails, hooks := b.sent(t)
	require.Len(t, mails, 1, "the third failure in a row alerts by email")
	require.Len(t, hooks, 1, "and on the default webhook")
	require.Equal(t, "owner@example.com", mails[0].To)
	require.Contains(t, mails[0].Subject, "Your watch keeps failing")
	require.Contains(t, mails[0].Text, `Your watch "iPhone 18 date" failed its last 3 runs.`)
	require.Contains(t, mails[0].Text, "the search service refused the query", "the cause in plain words")
	require.Contains(t, mails[0].Text, "What to do:")
	require.Equal(t, webhook.EventAlert, hooks[0].Type)
	require.Equal(t, task.AlertFailing, hooks[0].Data.Alert.Cause)
	require.Equal(t, task.AlertOpened, hooks[0].Data.Alert.Status)
	require.Equal(t, tk.ID, hooks[0].Data.Task.ID)
	open := b.openAlerts(t, tk)
	require.Len(t, open, 1)
	require.Equal(t, task.AlertFailing, open[0].Cause)

	b.run(t, r, tk)
	mails, hooks = b.sent(t)
	require.Len(t, mails, 1, "a fourth failure does not alert again")
	require.Len(t, hooks, 1)

	require.Equal(t, task.StatusSuccess, b.run(t, r, tk).Status)
	mails, hooks = b.sent(t)
	require.Len(t, mails, 2, "the recovery is told once")
	require.Len(t, hooks, 2)
	require.Contains(t, mails[1].Subject, "Your watch has recovered")
	require.Contains(t, mails[1].Text, "It is fine again.")
	require.Equal(t, task.AlertResolved, hooks[1].Data.Alert.Status)
	require.Equal(t, hooks[0].Data.Alert.ID, hooks[1].Data.Alert.ID, "both messages name one alert")
	require.NotNil(t, hooks[1].Data.Alert.ResolvedAt)
	require.Empty(t, b.openAlerts(t, tk))

	b.run(t, r, tk) // a success after the recovery tells nobody
	mails, hooks = b.sent(t)
	require.Len(t, mails, 2)
	require.Len(t, hooks, 2)
}

func TestOverdueWatchAlertsOnce(t *testing.T) {
	b := setup(t)
	now := b.clk.Now()
	stuck := b.task(t, "0 * * * *", now.Add(-3*time.Hour))               // hourly, its run 3 h late
	late := b.task(t, "0 * * * *", now.Add(-30*time.Minute))             // hourly, half an hour late
	agentPicked := b.task(t, "", now.Add(-47*time.Hour))                 // the agent's choice, under 48 h late
	daily := b.task(t, "30 8 * * *", now.Add(-25*time.Hour-time.Minute)) // a day and more late

	n, err := b.alerts.CheckOverdue(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the hourly watch 3 h late and the daily one a day late")
	n, err = b.alerts.CheckOverdue(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "an open overdue alert is not opened again")
	require.Len(t, b.openAlerts(t, stuck), 1)
	require.Len(t, b.openAlerts(t, daily), 1)
	require.Empty(t, b.openAlerts(t, late))
	require.Empty(t, b.openAlerts(t, agentPicked))

	mails, hooks := b.sent(t)
	require.Len(t, mails, 2)
	require.Len(t, hooks, 2)
	for _, m := range mails {
		require.Contains(t, m.Subject, "Your watch has stopped running")
		require.Contains(t, m.Text, "has not finished a run since it was created")
	}

	// A run that finishes ends it, and the owner hears so once.
	r := b.runner(agenttest.New(success(0)), nil)
	b.run(t, r, stuck)
	mails, hooks = b.sent(t)
	require.Len(t, mails, 3)
	require.Len(t, hooks, 3)
	require.Contains(t, mails[2].Subject, "Your watch has recovered")
	require.Empty(t, b.openAlerts(t, stuck))
}

// The spend check weighs the month's spend the gate read with the task, or reads it itself when
// the runner read the task: both hold the run back alike.
func TestRunOverTheCapIsNotStartedAndAlerts(t *testing.T) {
	t.Run("gated", func(t *testing.T) { runOverTheCap(t, true) })
	t.Run("runner", func(t *testing.T) { runOverTheCap(t, false) })
}

func runOverTheCap(t *testing.T, gated bool) {
	b := setup(t)
	tk := b.task(t, "0 9 * * *", b.clk.Now().Add(time.Hour))
	fake := agenttest.New(success(0.6), success(0.6), success(0.6))
	r := b.runner(fake, budget.New(b.s, 1.0, b.clk.Now))

	require.Equal(t, task.StatusSuccess, b.runVia(t, r, tk, gated).Status)
	require.Equal(t, 1, fake.Calls())
	held := b.runVia(t, r, tk, gated) // $0.60 spent and about $0.60 a run: this one would pass $1.00
	require.Equal(t, 1, fake.Calls(), "the model is not called")
	require.Equal(t, task.StatusFailed, held.Status)
	require.Equal(t, task.SilenceSpendCap, held.SilenceReason)
	require.Equal(t, "Not run: your watches' model spend this month ($0.60) has reached, or with this run would pass, your monthly cap of $1.00.", held.Error)

	open := b.openAlerts(t, tk)
	require.Len(t, open, 1)
	require.Equal(t, task.AlertSpendCap, open[0].Cause)
	mails, hooks := b.sent(t)
	require.Len(t, mails, 1)
	require.Len(t, hooks, 1)
	require.Contains(t, mails[0].Subject, "spend cap reached")
	require.Contains(t, mails[0].Text, held.Error)
	require.Equal(t, task.AlertSpendCap, hooks[0].Data.Alert.Cause)

	b.runVia(t, r, tk, gated)
	mails, _ = b.sent(t)
	require.Len(t, mails, 1, "held back again: told once")

	// The user's own cap, set by an admin, replaces the platform's: the watch runs again and
	// the owner hears it recovered.
	raised := 10.0
	require.NoError(t, b.s.SetUserSpendCap(b.ctx, b.user.ID, &raised))
	require.Equal(t, task.StatusSuccess, b.runVia(t, r, tk, gated).Status)
	mails, _ = b.sent(t)
	require.Len(t, mails, 2)
	require.Contains(t, mails[1].Subject, "Your watch runs again")

	// A task's own budget holds it back below the user's cap.
	budgetUSD := 1.0
	require.NoError(t, b.s.SetTaskBudget(b.ctx, b.user.ID, tk.ID, &budgetUSD))
	tk, err := b.s.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	held = b.runVia(t, r, tk, gated)
	require.Equal(t, task.StatusFailed, held.Status)
	require.Contains(t, held.Error, "this watch's model spend this month ($1.20)")
	require.Contains(t, held.Error, "its monthly budget of $1.00")
}

func TestEndpointGoneIsReportedByEmail(t *testing.T) {
	b := setup(t)
	b.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: 410} })
	tk := b.task(t, "0 9 * * *", b.clk.Now().Add(time.Hour), task.Notification{Type: task.ChannelWebhook, URL: b.recv.URL + "/hooks?key=secret"})
	outboxtest.Run(t, b.s, tk, b.clk.Now())

	mails, hooks := b.sent(t)
	require.Len(t, hooks, 1, "the notification reached the endpoint, which answered 410; the report goes by email only")
	open := b.openAlerts(t, tk)
	require.Len(t, open, 1)
	require.Equal(t, task.AlertWebhookGone, open[0].Cause)
	require.Len(t, mails, 1)
	require.Contains(t, mails[0].Subject, "Torale stopped posting to your webhook")
	require.Contains(t, mails[0].Text, "answered 410 Gone")
	require.NotContains(t, mails[0].Text, "key=secret", "the endpoint is named by its host alone")

	outboxtest.Run(t, b.s, tk, b.clk.Now().Add(time.Minute)) // the disabled endpoint fails at once
	mails, _ = b.sent(t)
	require.Len(t, mails, 1, "reported once")
}

func TestEndpointFailingADayIsReportedOnceNotDisabled(t *testing.T) {
	b := setup(t)
	b.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: 503} })
	tk := b.task(t, "0 9 * * *", b.clk.Now().Add(time.Hour), task.Notification{Type: task.ChannelWebhook, URL: b.recv.URL})
	outboxtest.Run(t, b.s, tk, b.clk.Now())

	mails, _ := b.sent(t)
	require.Empty(t, mails, "one failure is not worth a report")
	// Retries come due over the next day; the first one a day after the delivery was written
	// reports the endpoint.
	for range 8 {
		b.clk.Add(7 * time.Hour)
		mails, _ = b.sent(t)
	}
	require.Len(t, mails, 1)
	require.Contains(t, mails[0].Subject, "Your webhook has been failing for a day")
	require.Contains(t, mails[0].Text, "Torale keeps retrying and has not turned the endpoint off")
	disabled, err := b.s.DisabledWebhooks(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Empty(t, disabled, "reported, not disabled")
}

// Runs the reaper gives up (their attempt died) count toward the streak like any failure.
func TestRunsGivenUpByTheReaperAlert(t *testing.T) {
	b := setup(t)
	tk := b.task(t, "0 * * * *", b.clk.Now().Add(time.Hour))
	reaper := runner.NewReaper(b.s, &eventtest.Recorder{}, b.clk.Now, logging.Discard(), runner.Config{MaxAttempts: 1, Alerts: b.alerts})
	for range 3 {
		e, err := b.s.CreateManualRun(b.ctx, b.user.ID, tk.ID)
		require.NoError(t, err)
		now := b.clk.Now()
		_, err = b.s.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ExecutionID: &e.ID, Now: now,
			Deadline: now.Add(-time.Second)})
		require.NoError(t, err)
		n, err := reaper.Reap(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	open := b.openAlerts(t, tk)
	require.Len(t, open, 1)
	require.Equal(t, task.AlertFailing, open[0].Cause)
	require.Contains(t, open[0].Message, "The run stopped before it finished and was given up.")
}
