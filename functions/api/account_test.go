package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/account"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// accountBundle is an API on Cloud Scheduler (the in-process fake) with the account service,
// redelivery, notifications and feeds, as the platform wires them.
type accountBundle struct {
	srv   *httptest.Server
	dbURL string
	store *store.Store
	fake  *schedulertest.Server
	jobs  *schedule.CloudScheduler
	notifyParts
}

func newAccountBundle(t *testing.T, limits api.Limits) accountBundle {
	t.Helper()
	t.Parallel()
	dbURL := storetest.URL(t)
	s := storetest.Open(t, dbURL)
	fake, c := schedulertest.Start(t)
	jobs, err := schedule.NewCloudScheduler(c, s, schedule.CloudSchedulerConfig{Project: "proj", Location: "us-central1", Log: logging.Discard()})
	require.NoError(t, err)
	log := logging.Discard()
	w := watch.New(watch.Deps{Store: s, Trigger: jobs, Publisher: discardPublisher{}, Now: time.Now, Rules: task.DefaultRules(), Log: log})
	parts := testNotify(t, s, netguard.Options{})
	a := api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: log, Limits: limits,
		Auth:      &auth.Chain{APIKeys: auth.NewAPIKeys(s, time.Now, log), Dev: auth.NewDev(s)},
		Notify:    parts.deps,
		Feeds:     api.Feeds{Store: s, Keys: testFeedKeys(t), PublicURL: feedPublicURL},
		Account:   account.New(account.Deps{Store: s, Tasks: w, Mailer: parts.mailbox, Now: time.Now, Log: log}),
		Redeliver: outbox.NewRedeliverer(s, discardPublisher{}, time.Now, log)})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return accountBundle{srv: srv, dbURL: dbURL, store: s, fake: fake, jobs: jobs, notifyParts: parts}
}

func (b accountBundle) dev(t testing.TB, user string) *client.Client {
	return client.New(b.srv.URL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser(user))
}

func (b accountBundle) key(t testing.TB, key string) *client.Client {
	return client.New(b.srv.URL, client.WithHTTPClient(validatingClient(t)), client.WithToken(key))
}

// seeded is one user with everything a user can have.
type seeded struct {
	user  contract.User
	key   string
	tasks []contract.TaskView
	runs  []uuid.UUID
	// deliveries are the outbox rows of the runs; the first has a failed attempt.
	deliveries []uuid.UUID
}

// seed gives the user two active tasks and a paused one (each with a scheduler job), notified
// runs with email and webhook deliveries and attempts, memory, an address being verified, a
// webhook, a feed and an API key.
func (b accountBundle) seed(t *testing.T, name string) seeded {
	t.Helper()
	ctx := context.Background()
	c := b.dev(t, name)
	var out seeded
	var err error
	out.user, err = c.Me(ctx)
	require.NoError(t, err)
	for _, q := range []string{name + " watches prices", name + " watches releases", name + " watches jobs"} {
		tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: q, Schedule: "0 9 * * *", Notifications: []contract.Notification{
			{Type: task.ChannelEmail, Address: name + "@example.com"}, {Type: task.ChannelWebhook, URL: "https://hooks.example.com/" + name}}})
		require.NoError(t, err)
		out.tasks = append(out.tasks, tk)
	}
	_, err = c.PauseTask(ctx, out.tasks[2].ID)
	require.NoError(t, err)
	for _, tk := range out.tasks[:2] {
		e := notifiedRun(t, b.store, out.user.ID, tk.ID, name+" news")
		out.runs = append(out.runs, e.ID)
		ds, err := b.store.ListDeliveries(ctx, out.user.ID, e.ID)
		require.NoError(t, err)
		for _, d := range ds {
			out.deliveries = append(out.deliveries, d.ID)
		}
		require.NoError(t, b.store.AddTaskMemory(ctx, out.user.ID, tk.ID, &e.ID, []string{name + " fact"}, time.Now()))
	}
	failDelivery(t, b.store, out.deliveries[0])
	_, err = c.AddEmail(ctx, name+"@example.com")
	require.NoError(t, err)
	_, err = c.GetWebhook(ctx)
	require.NoError(t, err)
	_, err = c.Feed(ctx)
	require.NoError(t, err)
	k, err := c.CreateAPIKey(ctx, name+"'s laptop")
	require.NoError(t, err)
	out.key = k.Key
	// A template, a channel (its sealed settings stand in: the export never opens them), a
	// custom webhook header and an alert: the tables other features added.
	_, err = c.CreateTemplate(ctx, contract.TemplateInput{Name: name + "'s template", SearchQuery: name + " template query"})
	require.NoError(t, err)
	now := time.Now()
	_, err = b.store.CreateChannel(ctx, store.Channel{ID: uuid.New(), UserID: out.user.ID, Kind: "slack", Name: name + "'s slack",
		Sealed: "k1.sealed-" + name, Masked: map[string]string{"webhook_url": "••••" + name}}, now)
	require.NoError(t, err)
	require.NoError(t, b.store.SetWebhookHeader(ctx, out.user.ID, "X-Api-Key", "k1.header-"+name, now))
	_, _, _, err = b.store.OpenAlert(ctx, store.NewAlert{UserID: out.user.ID, TaskID: out.tasks[0].ID, Cause: task.AlertFailing,
		Message: name + "'s watch failed", Advice: "look", Now: now})
	require.NoError(t, err)
	return out
}

// failDelivery records one failed attempt that ends the delivery.
func failDelivery(t *testing.T, s *store.Store, id uuid.UUID) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	_, err := s.ClaimDelivery(ctx, id, now.Add(time.Second), now.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, s.RecordAttempt(ctx, store.Attempt{DeliveryID: id, Number: 1, At: now, ResponseCode: 500,
		Error: "the endpoint answered 500"}))
}

func jobState(t *testing.T, b accountBundle, taskID uuid.UUID) schedulerpb.Job_State {
	t.Helper()
	job := b.fake.Job(b.jobs.JobName(taskID))
	require.NotNil(t, job, "task %s has a job", taskID)
	return job.GetState()
}

func TestDeactivateStopsKeysAndSessionsAndPausesTasks(t *testing.T) {
	b := newAccountBundle(t, api.Limits{})
	ctx := context.Background()
	alice := b.seed(t, "alice")
	root := admin(t, b.srv.URL, b.store, "root")
	byKey := b.key(t, alice.key)
	_, err := byKey.Me(ctx)
	require.NoError(t, err)
	require.Equal(t, schedulerpb.Job_ENABLED, jobState(t, b, alice.tasks[0].ID))

	_, err = b.dev(t, "alice").AdminDeactivate(ctx, alice.user.ID)
	requireStatus(t, err, http.StatusForbidden)
	me, err := root.Me(ctx)
	require.NoError(t, err)
	_, err = root.AdminDeactivate(ctx, me.ID)
	requireStatus(t, err, http.StatusConflict)

	ch, err := root.AdminDeactivate(ctx, alice.user.ID)
	require.NoError(t, err)
	require.NotNil(t, ch.User.DeactivatedAt)
	require.ElementsMatch(t, []uuid.UUID{alice.tasks[0].ID, alice.tasks[1].ID}, ch.Action.PausedTasks)
	require.Equal(t, me.ID, *ch.Action.ActorID)

	// The key and the session stop at once: nothing is cached between requests.
	_, err = byKey.Me(ctx)
	requireStatus(t, err, http.StatusUnauthorized)
	_, err = b.dev(t, "alice").Me(ctx)
	requireStatus(t, err, http.StatusUnauthorized)
	for _, tk := range alice.tasks {
		got, err := b.store.GetTask(ctx, alice.user.ID, tk.ID)
		require.NoError(t, err)
		require.Equal(t, task.StatePaused, got.State)
		require.Equal(t, schedulerpb.Job_PAUSED, jobState(t, b, tk.ID), "the job pauses with its task")
	}
	rows, err := b.store.ExportTasks(ctx, alice.user.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, rows, 3, "nothing is deleted")

	// Tasks stay paused unless asked; asked, only those the deactivation paused resume.
	ch, err = root.AdminReactivate(ctx, alice.user.ID, true)
	require.NoError(t, err)
	require.Nil(t, ch.User.DeactivatedAt)
	require.ElementsMatch(t, []uuid.UUID{alice.tasks[0].ID, alice.tasks[1].ID}, ch.ResumedTasks)
	require.Equal(t, schedulerpb.Job_ENABLED, jobState(t, b, alice.tasks[0].ID))
	require.Equal(t, schedulerpb.Job_PAUSED, jobState(t, b, alice.tasks[2].ID), "the task alice paused stays paused")
	_, err = byKey.Me(ctx)
	require.NoError(t, err, "the key works again")
	_, err = root.AdminReactivate(ctx, alice.user.ID, false)
	requireStatus(t, err, http.StatusConflict)

	_, err = root.AdminSetRole(ctx, alice.user.ID, contract.RoleAdmin)
	require.NoError(t, err)
	_, err = root.AdminSetRole(ctx, me.ID, contract.RoleUser)
	requireStatus(t, err, http.StatusConflict)
	log, err := root.AdminActions(ctx, &alice.user.ID, client.PageOptions{})
	require.NoError(t, err)
	var kinds []string
	for _, a := range log.Data {
		kinds = append(kinds, a.Action)
		require.Equal(t, me.ID, *a.ActorID)
		require.Equal(t, alice.user.ID, *a.TargetID)
	}
	require.Equal(t, []string{"grant_admin", "reactivate", "deactivate"}, kinds, "newest first")
}

func TestExportListsOneUsersDataAndNoOneElses(t *testing.T) {
	b := newAccountBundle(t, api.Limits{})
	ctx := context.Background()
	alice, bob := b.seed(t, "alice"), b.seed(t, "bob")
	var buf bytes.Buffer
	_, err := b.dev(t, "alice").ExportMe(ctx, &buf)
	require.NoError(t, err)
	raw := buf.String()
	var ex contract.Export
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&ex))
	require.True(t, ex.Complete)
	require.Equal(t, alice.user.ID, ex.Profile.ID)
	require.Len(t, ex.Tasks, 3)
	require.Len(t, ex.Executions, 2)
	for _, x := range ex.Executions {
		require.NotNil(t, x.Steps, "every run carries its trail, [] when it has none")
	}
	require.Len(t, ex.Notifications, 2)
	require.Len(t, ex.Deliveries, 4)
	require.Len(t, ex.TaskMemory, 2)
	require.Len(t, ex.APIKeys, 1)
	require.NotEmpty(t, ex.Emails)
	require.NotNil(t, ex.Webhook)
	require.NotNil(t, ex.Feed)
	require.Len(t, ex.Templates, 1)
	require.Len(t, ex.Channels, 1)
	require.Equal(t, map[string]string{"webhook_url": "••••alice"}, ex.Channels[0].Settings, "masked, as the API shows it")
	require.Len(t, ex.Alerts, 1)
	require.Equal(t, []string{"X-Api-Key"}, ex.Webhook.HeaderNames)
	require.NotContains(t, raw, "sealed-alice", "a channel's sealed settings stay out")
	require.NotContains(t, raw, "header-alice", "a header's value stays out")
	attempts := 0
	for _, d := range ex.Deliveries {
		attempts += len(d.AttemptLog)
	}
	require.Equal(t, 1, attempts)

	// Nothing of bob's, and no secret of alice's, appears anywhere in the document.
	for _, id := range append(append([]uuid.UUID{bob.user.ID}, bob.runs...), bob.deliveries...) {
		require.NotContains(t, raw, id.String())
	}
	for _, tk := range bob.tasks {
		require.NotContains(t, raw, tk.ID.String())
	}
	require.NotContains(t, raw, "bob")
	require.NotContains(t, raw, alice.key)
	require.NotContains(t, raw, "whsec_")
	hook, err := b.dev(t, "alice").GetWebhook(ctx)
	require.NoError(t, err)
	require.NotContains(t, raw, hook.Secret)
	feed, err := b.dev(t, "alice").Feed(ctx)
	require.NoError(t, err)
	require.NotContains(t, raw, feed.AtomURL)
}

func TestDeleteAccountLeavesNoRowAndNoJob(t *testing.T) {
	b := newAccountBundle(t, api.Limits{})
	ctx := context.Background()
	alice, bob := b.seed(t, "alice"), b.seed(t, "bob")
	require.NoError(t, b.store.SetUserRole(ctx, alice.user.ID, store.RoleAdmin))
	root := admin(t, b.srv.URL, b.store, "root")
	_, err := root.AdminDeactivate(ctx, bob.user.ID) // an admin action about bob, by alice below
	require.NoError(t, err)
	_, err = b.dev(t, "alice").AdminReactivate(ctx, bob.user.ID, true)
	require.NoError(t, err)
	c := b.key(t, alice.key)

	_, err = c.DeleteMe(ctx, "someone@example.com")
	e := requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Equal(t, "confirm", e.Errors[0].Field)
	_, err = c.DeleteMe(ctx, "")
	requireStatus(t, err, http.StatusUnprocessableEntity)

	confirm := alice.user.Email
	if confirm == "" {
		confirm = alice.user.ID.String() // dev users have no sign-in address
	}
	out, err := c.DeleteMe(ctx, confirm)
	require.NoError(t, err)
	require.Equal(t, 3, out.Tasks)
	require.Equal(t, 1, out.RevokedKeys)
	_, err = c.Me(ctx)
	requireStatus(t, err, http.StatusUnauthorized)

	for _, tk := range alice.tasks {
		require.Nil(t, b.fake.Job(b.jobs.JobName(tk.ID)), "no job of a deleted account's task is left")
	}
	require.Equal(t, schedulerpb.Job_ENABLED, jobState(t, b, bob.tasks[0].ID), "bob's jobs stay")
	var taskIDs []uuid.UUID
	for _, tk := range alice.tasks {
		taskIDs = append(taskIDs, tk.ID)
	}
	left := storetest.RowsOf(t, b.dbURL, alice.user.ID, taskIDs)
	require.Empty(t, left, "rows of the deleted account")
	var bobTasks []uuid.UUID
	for _, tk := range bob.tasks {
		bobTasks = append(bobTasks, tk.ID)
	}
	require.NotEmpty(t, storetest.RowsOf(t, b.dbURL, bob.user.ID, bobTasks), "the scan finds what is there")
	log, err := root.AdminActions(ctx, &bob.user.ID, client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, log.Data, 2, "the admin log keeps its entries")
	require.Nil(t, log.Data[0].ActorID, "with the deleted admin's id gone")
}

func TestDeleteAccountMailsTheSignInAddress(t *testing.T) {
	b := newAccountBundle(t, api.Limits{})
	ctx := context.Background()
	u, err := b.store.EnsureUser(ctx, store.Identity{ExternalID: "clerk:user_1", Email: "ada@example.com"})
	require.NoError(t, err)
	key, prefix, hash, err := auth.NewAPIKey()
	require.NoError(t, err)
	_, err = b.store.CreateAPIKey(ctx, u.ID, "k", prefix, hash)
	require.NoError(t, err)
	out, err := b.key(t, key).DeleteMe(ctx, "ADA@example.com")
	require.NoError(t, err)
	require.Equal(t, "ada@example.com", out.ConfirmationSentTo)
	mail := b.mailbox.For(u.ID)
	require.Len(t, mail, 1)
	require.Equal(t, "ada@example.com", mail[0].To)
	require.Contains(t, mail[0].Text, "deleted")
	_, err = b.store.GetUser(ctx, u.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestRedeliverSendsAgainAsANewDelivery(t *testing.T) {
	b := newAccountBundle(t, api.Limits{Redeliver: api.Limit{Every: time.Hour, Burst: 3}})
	ctx := context.Background()
	alice, bob := b.seed(t, "alice"), b.seed(t, "bob")
	c := b.dev(t, "alice")
	failed := alice.deliveries[0]
	d, err := c.Redeliver(ctx, failed)
	require.NoError(t, err)
	require.NotEqual(t, failed, d.ID, "a new delivery id")
	require.Equal(t, failed, *d.RedeliveryOf)
	require.Equal(t, task.DeliveryPending, d.Status)
	orig, err := b.store.ListDeliveries(ctx, alice.user.ID, alice.runs[0])
	require.NoError(t, err)
	require.Len(t, orig, 3, "the run now has its two deliveries and the replay")
	for _, o := range orig {
		if o.ID == failed {
			require.Equal(t, o.Channel, d.Channel)
			require.Equal(t, o.Target, d.Target, "to the stored original target")
		}
	}

	_, err = c.Redeliver(ctx, d.ID)
	requireStatus(t, err, http.StatusConflict) // still pending
	_, err = c.Redeliver(ctx, bob.deliveries[0])
	requireStatus(t, err, http.StatusNotFound)
	_, err = c.Redeliver(ctx, failed)
	requireStatus(t, err, http.StatusTooManyRequests)
}

// recordingSender accepts every message and keeps the delivery ids it was given.
type recordingSender struct{ got chan task.Delivery }

func (r recordingSender) Send(_ context.Context, m outbox.Message) (outbox.Receipt, error) {
	r.got <- m.Delivery
	return outbox.Receipt{ResponseCode: 200}, nil
}

// A replay goes through the outbox like any delivery: sent once under its own id to the
// original's channel and target, with its attempt logged.
func TestARedeliveryIsSentAndRecordedLikeAnyOther(t *testing.T) {
	b := newAccountBundle(t, api.Limits{})
	ctx := context.Background()
	alice := b.seed(t, "alice")
	d, err := b.dev(t, "alice").Redeliver(ctx, alice.deliveries[0])
	require.NoError(t, err)
	sender := recordingSender{got: make(chan task.Delivery, 4)}
	n := outbox.New(b.store, map[task.ChannelType]outbox.Sender{task.ChannelEmail: sender, task.ChannelWebhook: sender},
		time.Now, logging.Discard())
	tried, err := n.DeliverOne(ctx, d.ID)
	require.NoError(t, err)
	require.True(t, tried)
	sent := <-sender.got
	require.Equal(t, d.ID, sent.ID)
	require.Equal(t, d.Channel, sent.Channel)
	require.Equal(t, d.Target, sent.Target)
	log, err := b.store.ExportDeliveries(ctx, alice.user.ID, 100, nil)
	require.NoError(t, err)
	for _, l := range log {
		if l.ID == d.ID {
			require.Equal(t, task.DeliveryDelivered, l.Status)
			require.Len(t, l.AttemptLog, 1)
			require.True(t, l.AttemptLog[0].OK)
			return
		}
	}
	t.Fatal("the redelivery is not in the delivery log")
}
