package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
	"github.com/torale-ai/torale/shared/webhook/webhooktest"
)

// hookEnv is a notifier posting webhooks to a local receiver through the production guard,
// which lets the receiver's exact address through and nothing else.
type hookEnv struct {
	s        *store.Store
	clk      *clocktest.Clock
	recv     *webhooktest.Receiver
	settings *webhook.Service
	n        *outbox.Notifier
	keys     *notifykey.Keys
	guard    *netguard.Guard
}

func newHookEnv(t *testing.T, timeout time.Duration) hookEnv {
	t.Helper()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	recv := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true})
	guard := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.Addr}, TLSConfig: recv.ClientTLS, Timeout: timeout})
	keys := outboxtest.Keys(t)
	sender := webhook.NewSender(webhook.Deps{Store: s, Keys: keys, Guard: guard,
		PublicURL: "https://torale.example", Now: clk.Now, Log: logging.Discard()})
	return hookEnv{s: s, clk: clk, recv: recv, keys: keys, guard: guard,
		settings: webhook.NewService(s, keys, nil, guard, sender, clk.Now),
		n:        outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, clk.Now, logging.Discard())}
}

// userSecret returns the user's current secret as the settings show it.
func (e hookEnv) userSecret(t *testing.T, u store.User) string {
	t.Helper()
	w, err := e.settings.Get(context.Background(), u.ID)
	require.NoError(t, err)
	return w.Secret
}

func (e hookEnv) deliver(t *testing.T) int {
	t.Helper()
	n, err := e.n.DeliverDue(context.Background())
	require.NoError(t, err)
	return n
}

func TestWebhookIsSignedAndCarriesTheEvent(t *testing.T) {
	e := newHookEnv(t, 0)
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	e.recv.Secrets(e.userSecret(t, u))
	require.Equal(t, 1, e.deliver(t))

	hooks := e.recv.Hooks()
	require.Len(t, hooks, 1)
	h := hooks[0]
	require.Equal(t, []bool{true}, h.Verified, "the library's verifier accepts the signature")
	require.Equal(t, 1, webhooktest.Signatures(h.Signature))
	require.Equal(t, e.clk.Now().Unix(), webhooktest.Unix(h.Timestamp).Unix())
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, ds[0].ID.String(), h.ID, "webhook-id is the delivery id")
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)

	var ev webhook.Event
	require.NoError(t, json.Unmarshal(h.Body, &ev))
	require.Equal(t, "task.condition_met", ev.Type)
	require.Equal(t, exec.ID, ev.Data.Execution.ID)
	require.Equal(t, "news", ev.Data.Notification)
	require.Equal(t, "https://torale.example/tasks/"+exec.TaskID.String(), ev.Data.Task.URL)
	require.Less(t, len(h.Body), 20<<10)
	var raw struct {
		Type, Timestamp string
		Data            map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(h.Body, &raw))
	for _, k := range []string{"task", "execution", "notification", "evidence", "sources", "confidence"} {
		require.Contains(t, raw.Data, k)
	}
}

func TestWebhookRetriesOnScheduleUntilDelivered(t *testing.T) {
	e := newHookEnv(t, 300*time.Millisecond)
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	e.recv.Secrets(e.userSecret(t, u))
	e.recv.Answer(func(h webhooktest.Hook) webhooktest.Answer {
		switch h.Attempt {
		case 1, 2:
			return webhooktest.Answer{Status: 500, Body: "internal stack trace with secrets"}
		case 3:
			return webhooktest.Answer{Status: 200, Delay: time.Second} // past the client's timeout
		}
		return webhooktest.Answer{Status: 200}
	})
	require.Equal(t, 1, e.deliver(t))
	for _, wait := range []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute} {
		e.clk.Add(wait * 85 / 100)
		require.Zero(t, e.deliver(t), "not due before %v minus jitter", wait)
		e.clk.Add(wait * 30 / 100)
		require.Equal(t, 1, e.deliver(t), "due again after %v plus jitter", wait)
	}
	e.clk.Add(48 * time.Hour)
	require.Zero(t, e.deliver(t), "delivered once, never again")

	hooks := e.recv.Hooks()
	require.Len(t, hooks, 4)
	for _, h := range hooks {
		require.Equal(t, hooks[0].ID, h.ID, "every attempt carries the same webhook-id")
		require.Equal(t, []bool{true}, h.Verified)
	}
	log, err := e.s.ListDeliveryLog(context.Background(), u.ID, task.ChannelWebhook, &exec.TaskID, 10, nil)
	require.NoError(t, err)
	require.Len(t, log, 1)
	require.Equal(t, task.DeliveryDelivered, log[0].Status)
	attempts := log[0].AttemptLog
	require.Len(t, attempts, 4)
	require.Equal(t, 500, *attempts[0].ResponseCode)
	require.Equal(t, "the endpoint answered 500 Internal Server Error", attempts[0].Error)
	require.Nil(t, attempts[2].ResponseCode)
	require.Equal(t, "the endpoint did not answer in time", attempts[2].Error)
	require.True(t, attempts[3].OK)
	for _, a := range attempts {
		require.NotContains(t, a.Error, "stack trace", "the response body is never stored")
	}
}

func TestWebhookHonoursRetryAfter(t *testing.T) {
	e := newHookEnv(t, 0)
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	e.recv.Answer(func(h webhooktest.Hook) webhooktest.Answer {
		if h.Attempt == 1 {
			return webhooktest.Answer{Status: 429, RetryAfter: "3600"}
		}
		return webhooktest.Answer{Status: 202}
	})
	require.Equal(t, 1, e.deliver(t))
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.WithinDuration(t, e.clk.Now().Add(time.Hour), ds[0].NextAttemptAt, time.Second, "Retry-After beats the 1 m step")
	e.clk.Add(59 * time.Minute)
	require.Zero(t, e.deliver(t))
	e.clk.Add(2 * time.Minute)
	require.Equal(t, 1, e.deliver(t))
}

func TestGoneDisablesTheEndpoint(t *testing.T) {
	e := newHookEnv(t, 0)
	ctx := context.Background()
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook})
	_, err := e.settings.Set(ctx, u.ID, e.recv.URL, true)
	require.NoError(t, err)
	e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: http.StatusGone} })
	require.Equal(t, 1, e.deliver(t))

	ds, err := e.s.ListDeliveries(ctx, u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status, "410 is final")
	w, err := e.settings.Get(ctx, u.ID)
	require.NoError(t, err)
	require.False(t, w.Enabled, "the default webhook is switched off")
	require.Len(t, w.DisabledEndpoints, 1)
	require.Equal(t, e.recv.URL, w.DisabledEndpoints[0].URL)
	require.Contains(t, w.DisabledEndpoints[0].Reason, "410")

	// A task that posts to the same URL fails at once, without a request.
	tk, err := e.s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Own URL", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: ptrTime(e.clk.Now()),
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: e.recv.URL}}})
	require.NoError(t, err)
	second := outboxtest.Run(t, e.s, tk, e.clk.Now())
	require.Equal(t, 1, e.deliver(t))
	require.Len(t, e.recv.Hooks(), 1)
	ds, err = e.s.ListDeliveries(ctx, u.ID, second.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status)
	require.Contains(t, ds[0].LastError, "enable the endpoint again")

	// Enabled again, the next notification goes through.
	_, err = e.settings.Enable(ctx, u.ID, e.recv.URL)
	require.NoError(t, err)
	e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: 200} })
	e.clk.Add(time.Minute)
	third := outboxtest.Run(t, e.s, tk, e.clk.Now())
	require.Equal(t, 1, e.deliver(t))
	ds, err = e.s.ListDeliveries(ctx, u.ID, third.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
}

func TestRotationSignsWithBothSecretsFor24Hours(t *testing.T) {
	e := newHookEnv(t, 0)
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	old := e.userSecret(t, u)
	rotated, err := e.settings.Rotate(ctx, u.ID)
	require.NoError(t, err)
	require.NotEqual(t, old, rotated.Secret)
	require.WithinDuration(t, e.clk.Now().Add(24*time.Hour), *rotated.PreviousSecretExpiresAt, time.Second)
	e.recv.Secrets(old, rotated.Secret)
	require.Equal(t, 1, e.deliver(t))

	tk, err := e.s.ListTasks(ctx, u.ID, store.TaskFilter{Limit: 1})
	require.NoError(t, err)
	e.clk.Add(24*time.Hour + time.Second)
	outboxtest.Run(t, e.s, tk[0], e.clk.Now())
	require.Equal(t, 1, e.deliver(t))

	hooks := e.recv.Hooks()
	require.Len(t, hooks, 2)
	require.Equal(t, 2, webhooktest.Signatures(hooks[0].Signature))
	require.Equal(t, []bool{true, true}, hooks[0].Verified, "a receiver with either secret accepts it")
	require.Equal(t, 1, webhooktest.Signatures(hooks[1].Signature))
	require.Equal(t, []bool{false, true}, hooks[1].Verified, "after 24 h only the new secret signs")
	after, err := e.settings.Get(ctx, u.ID)
	require.NoError(t, err)
	require.Nil(t, after.PreviousSecretExpiresAt)
}

// A redirect can never succeed unchanged (webhooks do not follow one): the delivery fails at
// once, the log says why, and the endpoint stays on, unlike after 410 Gone.
func TestRedirectsFailAtOnceAndAreNotFollowed(t *testing.T) {
	e := newHookEnv(t, 0)
	ctx := context.Background()
	sentinel := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{})
	for _, answer := range []webhooktest.Answer{
		{Status: http.StatusFound, Location: "http://169.254.169.254/latest/meta-data/"},
		{Status: http.StatusTemporaryRedirect, Location: sentinel.URL},
	} {
		u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
		e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return answer })
		require.Equal(t, 1, e.deliver(t))
		e.clk.Add(25 * time.Hour) // past every step of the retry schedule
		require.Zero(t, e.deliver(t), "a redirect is not retried")
		ds, err := e.s.ListDeliveries(ctx, u.ID, exec.ID)
		require.NoError(t, err)
		require.Equal(t, task.DeliveryFailed, ds[0].Status)
		require.Equal(t, 1, ds[0].Attempts)
		require.Contains(t, ds[0].LastError, "redirect")
		require.Contains(t, ds[0].LastError, "without retries")
		_, err = e.s.WebhookDisabled(ctx, u.ID, e.recv.URL)
		require.ErrorIs(t, err, store.ErrNotFound, "the endpoint is not disabled")
	}
	require.Zero(t, sentinel.Connections(), "the redirect was not followed")
}

func TestRefusedDestinationFailsForGood(t *testing.T) {
	e := newHookEnv(t, 0)
	sentinel := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true})
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: sentinel.URL})
	require.Equal(t, 1, e.deliver(t))
	require.Zero(t, sentinel.Connections())
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status)
	require.Contains(t, ds[0].LastError, "destination refused")
}

func TestResponseBodyReadIsCapped(t *testing.T) {
	e := newHookEnv(t, 5*time.Second)
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer {
		return webhooktest.Answer{Status: 200, Body: strings.Repeat("x", 8<<20)}
	})
	start := time.Now()
	require.Equal(t, 1, e.deliver(t))
	require.Less(t, time.Since(start), 3*time.Second)
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
}

func TestWebhookTestSendReportsStatusNotBody(t *testing.T) {
	e := newHookEnv(t, 0)
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now())
	e.recv.Secrets(e.userSecret(t, u))
	e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer {
		return webhooktest.Answer{Status: 418, Body: "private answer"}
	})
	res, err := e.settings.Test(ctx, u.ID, e.recv.URL)
	require.NoError(t, err)
	require.False(t, res.OK)
	require.Equal(t, 418, *res.StatusCode)
	out, _ := json.Marshal(res)
	require.NotContains(t, string(out), "private answer")
	h := e.recv.Hooks()[0]
	require.Equal(t, []bool{true}, h.Verified)
	require.Equal(t, res.WebhookID, h.ID)
	var ev webhook.Event
	require.NoError(t, json.Unmarshal(h.Body, &ev))
	require.Equal(t, "webhook.test", ev.Type)

	_, err = e.settings.Test(ctx, u.ID, "https://169.254.169.254/latest/meta-data/")
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve, "the same guard refuses the test")
	require.Equal(t, "url", ve.Fields[0].Field)
	none, err := e.settings.Test(ctx, u.ID, "")
	require.NoError(t, err)
	require.Contains(t, none.Error, "no default webhook")
}

// failingRecord is a store whose RecordAttempt fails, as if the notifier died after sending and
// before recording.
type failingRecord struct {
	*store.Store
}

func (failingRecord) RecordAttempt(context.Context, store.Attempt) error {
	return errors.New("killed before recording")
}

func TestKilledBetweenSendAndRecordResendsTheSameID(t *testing.T) {
	e := newHookEnv(t, 0)
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	sender := webhook.NewSender(webhook.Deps{Store: e.s, Keys: e.keys, Guard: e.guard,
		PublicURL: "https://torale.example", Now: e.clk.Now, Log: logging.Discard()})
	dying := outbox.New(failingRecord{e.s}, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, e.clk.Now, logging.Discard())
	n, err := dying.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)

	require.Zero(t, e.deliver(t), "the lease hides the row while the first notifier might still record")
	e.clk.Add(3 * time.Minute)
	require.Equal(t, 1, e.deliver(t), "after the lease it is sent again")
	ids, requests := e.recv.Unique()
	require.Equal(t, 2, requests)
	require.Equal(t, 1, ids, "with the same webhook-id, so the receiver drops the duplicate")
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
	require.Equal(t, e.recv.Hooks()[0].ID, ds[0].ID.String())
}

func ptrTime(t time.Time) *time.Time { return &t }

// A receiver cannot park a delivery for ever: Retry-After counts up to the retry schedule's
// last step (24 h), and an HTTP date is read as well as seconds.
func TestRetryAfterIsBounded(t *testing.T) {
	e := newHookEnv(t, 0)
	for _, after := range []string{"8640000", e.clk.Now().Add(100 * 24 * time.Hour).UTC().Format(http.TimeFormat)} {
		u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
		e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: 429, RetryAfter: after} })
		require.Equal(t, 1, e.deliver(t))
		ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
		require.NoError(t, err)
		require.Equal(t, task.DeliveryPending, ds[0].Status)
		last := outbox.RetrySchedule[len(outbox.RetrySchedule)-1]
		require.WithinDuration(t, e.clk.Now().Add(last), ds[0].NextAttemptAt, time.Second, "Retry-After %s is capped at 24 h", after)
		e.clk.Add(25 * time.Hour)
		e.recv.Answer(func(webhooktest.Hook) webhooktest.Answer { return webhooktest.Answer{Status: 204} })
		require.Equal(t, 1, e.deliver(t))
	}
}
