package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/channel"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/tlstest"
	"github.com/torale-ai/torale/shared/watch"
	"github.com/torale-ai/torale/shared/webhook"
	"github.com/torale-ai/torale/shared/webhook/webhooktest"
)

const apiTestNotifyKey = "api-test-notify-key-0123456789abcdef"

// noDNS is a resolver that fails every lookup at once, so no test reaches for the network.
var noDNS = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("no DNS in tests")
}}

// notifyParts are the notification services behind one test API.
type notifyParts struct {
	deps    api.Notify
	mailbox *email.Mailbox
	keys    *notifykey.Keys
}

// testNotify builds the notification endpoints' services over s, with the production guard
// (plus guard's extra options) and a dev mailbox.
func testNotify(t testing.TB, s *store.Store, guard netguard.Options) notifyParts {
	t.Helper()
	keys, err := notifykey.New(apiTestNotifyKey)
	require.NoError(t, err)
	if guard.Resolver == nil {
		guard.Resolver = noDNS
	}
	g := netguard.New(guard)
	box := email.NewMailbox(logging.Discard(), time.Now)
	r := email.NewRenderer("https://app.torale.example", keys)
	ring, err := sealed.Parse(sealed.NewKey("test"))
	require.NoError(t, err)
	sender := webhook.NewSender(webhook.Deps{Store: s, Keys: keys, Keyring: ring, Guard: g, PublicURL: "https://app.torale.example",
		Now: time.Now, Log: logging.Discard()})
	chats := channel.Deps{Store: s, Keys: ring, Guard: g, PublicURL: "https://app.torale.example", Now: time.Now, Log: logging.Discard()}
	return notifyParts{mailbox: box, keys: keys, deps: api.Notify{
		Webhooks:    webhook.NewService(s, keys, ring, g, sender, time.Now),
		Emails:      email.NewVerifier(s, box, r, time.Now, logging.Discard()),
		Unsubscribe: email.NewUnsubscriber(s, keys),
		Mailbox:     box,
		Channels:    channel.NewService(chats, channel.NewSender(chats)),
	}}
}

type notifyBundle struct {
	srv   *httptest.Server
	store *store.Store
	notifyParts
}

func newNotifyBundle(t *testing.T, guard netguard.Options) notifyBundle {
	t.Helper()
	s := storetest.New(t)
	parts := testNotify(t, s, guard)
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Rules: task.DefaultRules(), Log: logging.Discard()})
	a := api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: logging.Discard(),
		Auth: &auth.Chain{Dev: auth.NewDev(s)}, Notify: parts.deps})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return notifyBundle{srv: srv, store: s, notifyParts: parts}
}

func (b notifyBundle) client(t testing.TB, user string) *client.Client {
	return client.New(b.srv.URL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser(user))
}

var sixDigits = regexp.MustCompile(`code is (\d{6})`)

func (b notifyBundle) code(t *testing.T, c *client.Client) string {
	t.Helper()
	mail, err := c.DevMailbox(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, mail)
	m := sixDigits.FindStringSubmatch(mail[0].Text)
	require.NotNil(t, m)
	return m[1]
}

func TestWebhookEndpoints(t *testing.T) {
	serverTLS, clientTLS := tlstest.Certificate(t)
	good := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true, ServerTLS: serverTLS, ClientTLS: clientTLS})
	bad := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true, ServerTLS: serverTLS, ClientTLS: clientTLS})
	bad.Answer(func(webhooktest.Hook) webhooktest.Answer {
		return webhooktest.Answer{Status: 500, Body: "db password is hunter2"}
	})
	b := newNotifyBundle(t, netguard.Options{Allow: []netip.AddrPort{good.Addr, bad.Addr}, TLSConfig: clientTLS})
	ctx := context.Background()
	c := b.client(t, "alice")

	w, err := c.GetWebhook(ctx)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(w.Secret, "whsec_"))
	require.False(t, w.Enabled)
	require.Empty(t, w.DisabledEndpoints)
	again, err := c.GetWebhook(ctx)
	require.NoError(t, err)
	require.Equal(t, w.Secret, again.Secret, "the secret is stable")

	for _, u := range []string{"http://example.com/hook", "https://169.254.169.254/latest", "https://2130706433/", "ftp://example.com/"} {
		_, err := c.SetWebhook(ctx, contract.WebhookInput{URL: u})
		e := requireProblem(t, err, http.StatusUnprocessableEntity)
		require.Equal(t, "url", e.Errors[0].Field, u)
	}
	_, err = c.SetWebhook(ctx, contract.WebhookInput{Enabled: ptr(true)})
	requireStatus(t, err, http.StatusUnprocessableEntity)

	set, err := c.SetWebhook(ctx, contract.WebhookInput{URL: good.URL})
	require.NoError(t, err)
	require.True(t, set.Enabled)
	require.Equal(t, good.URL, set.URL)

	rotated, err := c.RotateWebhookSecret(ctx)
	require.NoError(t, err)
	require.NotEqual(t, w.Secret, rotated.Secret)
	require.NotNil(t, rotated.PreviousSecretExpiresAt)
	good.Secrets(w.Secret, rotated.Secret)

	res, err := c.TestWebhook(ctx, "")
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Equal(t, http.StatusNoContent, *res.StatusCode)
	require.Equal(t, []bool{true, true}, good.Hooks()[0].Verified, "signed with both secrets during the overlap")

	res, err = c.TestWebhook(ctx, bad.URL)
	require.NoError(t, err)
	require.False(t, res.OK)
	require.Equal(t, 500, *res.StatusCode)
	require.NotContains(t, res.Error, "hunter2")

	_, err = c.TestWebhook(ctx, "https://10.0.0.1/hook")
	requireStatus(t, err, http.StatusUnprocessableEntity)
	var limited *client.Error
	for range 10 {
		if _, err = c.TestWebhook(ctx, ""); err != nil {
			break
		}
	}
	require.ErrorAs(t, err, &limited)
	require.Equal(t, http.StatusTooManyRequests, limited.StatusCode)
	require.Positive(t, limited.RetryAfter)

	_, err = c.EnableWebhookEndpoint(ctx, good.URL)
	requireStatus(t, err, http.StatusNotFound)
}

func TestWebhookHeaderEndpoints(t *testing.T) {
	serverTLS, clientTLS := tlstest.Certificate(t)
	recv := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{TLS: true, ServerTLS: serverTLS, ClientTLS: clientTLS})
	b := newNotifyBundle(t, netguard.Options{Allow: []netip.AddrPort{recv.Addr}, TLSConfig: clientTLS})
	ctx := context.Background()
	c := b.client(t, "alice")
	_, err := c.SetWebhook(ctx, contract.WebhookInput{URL: recv.URL})
	require.NoError(t, err)

	const token = "Bearer hunter2-0123456789-abcd"
	set, err := c.SetWebhookHeader(ctx, "authorization", token)
	require.NoError(t, err)
	require.Equal(t, []contract.WebhookHeader{{Name: "Authorization", ValueMasked: "••••abcd", UpdatedAt: set.Headers[0].UpdatedAt}}, set.Headers)
	got, err := c.GetWebhook(ctx)
	require.NoError(t, err)
	require.Len(t, got.Headers, 1)
	raw, err := json.Marshal(got) // the validating client refuses any field the schema lacks
	require.NoError(t, err)
	require.NotContains(t, string(raw), "hunter2", "the value is never returned in full")

	res, err := c.TestWebhook(ctx, "")
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Equal(t, token, recv.Hooks()[0].Header.Get("Authorization"))

	for _, name := range []string{"Connection", "Proxy-Authorization", "Content-Type", "webhook-signature", "X-Torale-Signature", "Host"} {
		_, err := c.SetWebhookHeader(ctx, name, "v")
		e := requireProblem(t, err, http.StatusBadRequest)
		require.Contains(t, e.Detail, http.CanonicalHeaderKey(name), "the problem names the header")
	}
	_, err = c.SetWebhookHeader(ctx, "X-Line", "a\r\nInjected: yes")
	e := requireProblem(t, err, http.StatusBadRequest)
	require.NotContains(t, e.Detail, "Injected")
	for i := range 9 {
		_, err := c.SetWebhookHeader(ctx, fmt.Sprintf("X-H%d", i), "v")
		require.NoError(t, err)
	}
	_, err = c.SetWebhookHeader(ctx, "X-Eleventh", "v")
	e = requireProblem(t, err, http.StatusBadRequest)
	require.Contains(t, e.Detail, "X-Eleventh")
	require.Contains(t, e.Detail, "at most 10")

	left, err := c.DeleteWebhookHeader(ctx, "AUTHORIZATION")
	require.NoError(t, err)
	require.Len(t, left.Headers, 9)
	_, err = c.DeleteWebhookHeader(ctx, "Authorization")
	requireStatus(t, err, http.StatusNotFound)
	_, err = b.client(t, "bob").DeleteWebhookHeader(ctx, "X-H1")
	requireStatus(t, err, http.StatusNotFound)
}

func TestWebhookDeliveryLogEndpoint(t *testing.T) {
	b := newNotifyBundle(t, netguard.Options{})
	ctx := context.Background()
	c := b.client(t, "alice")
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "webhook watch",
		Notifications: []contract.Notification{{Type: task.ChannelWebhook, URL: "https://hooks.example.com/t"}}})
	require.NoError(t, err)
	me, err := c.Me(ctx)
	require.NoError(t, err)
	var ids []uuid.UUID
	for range 3 {
		exec := notifiedRun(t, b.store, me.ID, tk.ID, "news")
		ds, err := b.store.ListDeliveries(ctx, me.ID, exec.ID)
		require.NoError(t, err)
		ids = append(ids, ds[0].ID)
	}
	now := time.Now()
	_, err = b.store.ClaimDelivery(ctx, ids[0], now.Add(time.Second), now.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, b.store.RecordAttempt(ctx, store.Attempt{DeliveryID: ids[0], Number: 1, At: now, ResponseCode: 503,
		Latency: 42 * time.Millisecond, Error: "the endpoint answered 503 Service Unavailable", RetryAt: ptr(now.Add(time.Minute))}))

	page, err := c.ListWebhookDeliveries(ctx, &tk.ID, client.PageOptions{Limit: 2})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	require.NotNil(t, page.NextCursor)
	rest, err := c.ListWebhookDeliveries(ctx, nil, client.PageOptions{Cursor: *page.NextCursor})
	require.NoError(t, err)
	require.Len(t, rest.Data, 1)
	d := rest.Data[0]
	require.Equal(t, ids[0], d.ID)
	require.Equal(t, tk.Name, d.TaskName)
	require.Len(t, d.AttemptLog, 1)
	require.Equal(t, 503, *d.AttemptLog[0].ResponseCode)
	require.Equal(t, 42, d.AttemptLog[0].LatencyMS)

	r := newBundleRequest(t, b, "alice", "GET", "/api/v1/webhook/deliveries?task_id=nope")
	require.Equal(t, http.StatusBadRequest, r)
}

func newBundleRequest(t *testing.T, b notifyBundle, user, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set(auth.DevUserHeader, user)
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func TestEmailEndpoints(t *testing.T) {
	b := newNotifyBundle(t, netguard.Options{})
	ctx := context.Background()
	c := b.client(t, "alice")

	_, err := c.AddEmail(ctx, "not-an-address")
	e := requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Equal(t, "email", e.Errors[0].Field)

	addr, err := c.AddEmail(ctx, "me@example.com")
	require.NoError(t, err)
	require.False(t, addr.Verified)
	require.NotNil(t, addr.CodeExpiresAt)
	code := b.code(t, c)
	mail, err := c.DevMailbox(ctx)
	require.NoError(t, err)
	require.Equal(t, "me@example.com", mail[0].To)

	_, err = c.VerifyEmail(ctx, "me@example.com", "12345")
	e = requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Equal(t, "code", e.Errors[0].Field)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = c.VerifyEmail(ctx, "me@example.com", wrong)
	e = requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Contains(t, e.Errors[0].Message, "4 tries left")
	ok, err := c.VerifyEmail(ctx, "me@example.com", code)
	require.NoError(t, err)
	require.True(t, ok.Verified)
	require.NotNil(t, ok.VerifiedAt)

	res := newBundleRequest(t, b, "alice", "POST", "/api/v1/emails")
	require.Equal(t, http.StatusUnprocessableEntity, res, "a body is required")
	again, err := c.AddEmail(ctx, "me@example.com")
	require.NoError(t, err)
	require.True(t, again.Verified, "already verified: 200 and no new code")

	list, err := c.ListEmails(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)

	for range 3 {
		_, err = c.AddEmail(ctx, "other@example.com")
		require.NoError(t, err)
	}
	_, err = c.AddEmail(ctx, "other@example.com")
	e = requireProblem(t, err, http.StatusTooManyRequests)
	require.Greater(t, e.RetryAfter, 50*time.Minute, "three codes an hour per address")

	require.NoError(t, c.DeleteEmail(ctx, "me@example.com"))
	requireStatus(t, c.DeleteEmail(ctx, "me@example.com"), http.StatusNotFound)
	list, err = c.ListEmails(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "other@example.com", list[0].Email)
}

func TestNotificationEndpointsAreIsolated(t *testing.T) {
	b := newNotifyBundle(t, netguard.Options{})
	ctx := context.Background()
	alice, bob := b.client(t, "alice"), b.client(t, "bob")
	_, err := alice.AddEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	code := b.code(t, alice)
	tk, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: "alice's hook",
		Notifications: []contract.Notification{{Type: task.ChannelWebhook, URL: "https://alice.example.com/hook"}}})
	require.NoError(t, err)
	me, err := alice.Me(ctx)
	require.NoError(t, err)
	notifiedRun(t, b.store, me.ID, tk.ID, "alice's news")
	aliceHook, err := alice.GetWebhook(ctx)
	require.NoError(t, err)

	_, err = bob.VerifyEmail(ctx, "alice@example.com", code)
	requireStatus(t, err, http.StatusUnprocessableEntity)
	requireStatus(t, bob.DeleteEmail(ctx, "alice@example.com"), http.StatusNotFound)
	list, err := bob.ListEmails(ctx)
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = bob.ListWebhookDeliveries(ctx, &tk.ID, client.PageOptions{})
	requireStatus(t, err, http.StatusNotFound)
	page, err := bob.ListWebhookDeliveries(ctx, nil, client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Data)
	mail, err := bob.DevMailbox(ctx)
	require.NoError(t, err)
	require.Empty(t, mail)
	bobHook, err := bob.GetWebhook(ctx)
	require.NoError(t, err)
	require.NotEqual(t, aliceHook.Secret, bobHook.Secret)

	// Alice's address is still hers to verify.
	verified, err := alice.VerifyEmail(ctx, "alice@example.com", code)
	require.NoError(t, err)
	require.True(t, verified.Verified)
}

func TestUnsubscribeEndpoint(t *testing.T) {
	b := newNotifyBundle(t, netguard.Options{})
	ctx := context.Background()
	c := b.client(t, "alice")
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "emailed watch",
		Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "me@example.com"}}})
	require.NoError(t, err)
	anon := client.New(b.srv.URL, client.WithHTTPClient(validatingClient(t)))

	requireStatus(t, anon.Unsubscribe(ctx, "forged"), http.StatusNotFound)
	require.Equal(t, http.StatusBadRequest, newBundleRequest(t, b, "", "POST", "/api/v1/unsubscribe"))
	token := email.UnsubscribeToken(b.keys, tk.ID, "me@example.com")
	require.NoError(t, anon.Unsubscribe(ctx, token))
	after, err := c.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Empty(t, after.Notifications)
	requireStatus(t, anon.Unsubscribe(ctx, token), http.StatusNotFound)

	res, err := http.Get(b.srv.URL + "/api/v1/unsubscribe?token=" + token)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, "a GET (a link scanner) unsubscribes nobody")
}

func TestNotifyEndpointsWithoutServices(t *testing.T) {
	s := storetest.New(t)
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Log: logging.Discard()})
	srv := httptest.NewServer(api.New(api.Deps{Watch: w, Keys: s, Admin: s, Auth: auth.NewDev(s), Health: s.Health, Log: logging.Discard()}))
	t.Cleanup(srv.Close)
	c := client.New(srv.URL, client.WithHTTPClient(validatingClient(t)))
	ctx := context.Background()
	_, err := c.DevMailbox(ctx)
	requireStatus(t, err, http.StatusNotFound)
	_, err = c.GetWebhook(ctx)
	requireStatus(t, err, http.StatusServiceUnavailable)
	_, err = c.AddEmail(ctx, "me@example.com")
	requireStatus(t, err, http.StatusServiceUnavailable)
	requireStatus(t, c.Unsubscribe(ctx, "x"), http.StatusServiceUnavailable)
}

// isolationNotify is the notification side of the shared test API: the production guard with
// no DNS, and a dev mailbox.
func isolationNotify(t testing.TB, s *store.Store) api.Notify {
	return testNotify(t, s, netguard.Options{}).deps
}

type brokenMailer struct{}

func (brokenMailer) Mail(context.Context, email.Message) error { return errors.New("421 try later") }

func TestEmailCodeNotSentIsUnavailable(t *testing.T) {
	s := storetest.New(t)
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Log: logging.Discard()})
	v := email.NewVerifier(s, brokenMailer{}, email.NewRenderer("", nil), time.Now, logging.Discard())
	srv := httptest.NewServer(api.New(api.Deps{Watch: w, Keys: s, Admin: s, Auth: auth.NewDev(s), Health: s.Health,
		Log: logging.Discard(), Notify: api.Notify{Emails: v}}))
	t.Cleanup(srv.Close)
	c := client.New(srv.URL, client.WithHTTPClient(validatingClient(t)))
	_, err := c.AddEmail(context.Background(), "me@example.com")
	e := requireProblem(t, err, http.StatusServiceUnavailable)
	require.NotContains(t, e.Detail, "421")
	require.Equal(t, time.Minute, e.RetryAfter)
}
