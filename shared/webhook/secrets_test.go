package webhook_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// with returns the environment's notifier and settings rebuilt on other keys, as a restart with
// another TORALE_NOTIFY_SECRET or TORALE_SECRET_KEYS would.
func (e hookEnv) with(keys *notifykey.Keys, ring *sealed.Keyring) hookEnv {
	sender := webhook.NewSender(webhook.Deps{Store: e.s, Keys: keys, Keyring: ring, Guard: e.guard,
		PublicURL: "https://torale.example", Now: e.clk.Now, Log: logging.Discard()})
	e.keys = keys
	e.settings = webhook.NewService(e.s, keys, ring, e.guard, sender, e.clk.Now)
	e.n = outbox.New(e.s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, e.clk.Now, logging.Discard())
	return e
}

func keyring(t *testing.T) *sealed.Keyring {
	t.Helper()
	k, err := sealed.Parse(sealed.NewKey("k1"))
	require.NoError(t, err)
	return k
}

func otherNotifyKey(t *testing.T) *notifykey.Keys {
	t.Helper()
	k, err := notifykey.New(strings.Repeat("another notify key ", 3))
	require.NoError(t, err)
	return k
}

// A secret made before sealed storage keeps its value through the move and through a change of
// TORALE_NOTIFY_SECRET afterwards.
func TestSecretSurvivesANotifyKeyChange(t *testing.T) {
	e := newHookEnv(t, 0)
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	derived := e.userSecret(t, u) // made by a build without TORALE_SECRET_KEYS
	h, err := e.s.GetWebhook(context.Background(), u.ID)
	require.NoError(t, err)
	require.Empty(t, h.SecretSealed)

	ring := keyring(t)
	sealedEnv := e.with(e.keys, ring)
	require.Equal(t, derived, sealedEnv.userSecret(t, u), "moving to sealed storage changes no secret")
	h, err = e.s.GetWebhook(context.Background(), u.ID)
	require.NoError(t, err)
	require.Equal(t, "k1", sealed.KeyID(h.SecretSealed))
	require.NotContains(t, h.SecretSealed, strings.TrimPrefix(derived, "whsec_"))

	changed := e.with(otherNotifyKey(t), ring)
	require.Equal(t, derived, changed.userSecret(t, u))
	e.recv.Secrets(derived)
	require.Equal(t, 1, changed.deliver(t))
	require.Equal(t, []bool{true}, e.recv.Hooks()[0].Verified, "signed with the same secret after the notify key changed")
}

// The previous secret of a rotation still in its overlap is sealed too, with its own value.
func TestMoveKeepsTheRotatedOutSecretSigning(t *testing.T) {
	e := newHookEnv(t, 0)
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	first := e.userSecret(t, u)
	rotated, err := e.settings.Rotate(ctx, u.ID)
	require.NoError(t, err)

	ring := keyring(t)
	_, err = e.with(e.keys, ring).settings.Get(ctx, u.ID)
	require.NoError(t, err)
	e.recv.Secrets(rotated.Secret, first)
	require.Equal(t, 1, e.with(otherNotifyKey(t), ring).deliver(t))
	require.Equal(t, []bool{true, true}, e.recv.Hooks()[0].Verified, "both secrets sign during the overlap")
}

func TestNewAndRotatedSecretsAreRandomAndSealed(t *testing.T) {
	e := newHookEnv(t, 0)
	ring := keyring(t)
	e = e.with(e.keys, ring)
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	first := e.userSecret(t, u)
	h, err := e.s.GetWebhook(ctx, u.ID)
	require.NoError(t, err)
	require.NotEqual(t, webhook.Secret(e.keys, u.ID, h.SecretSalt), first, "not derived from the notify key")
	rotated, err := e.settings.Rotate(ctx, u.ID)
	require.NoError(t, err)
	require.NotEqual(t, first, rotated.Secret)
	require.True(t, strings.HasPrefix(rotated.Secret, "whsec_"))
	h, err = e.s.GetWebhook(ctx, u.ID)
	require.NoError(t, err)
	require.NotEmpty(t, h.PreviousSealed)
	require.Equal(t, rotated.Secret, e.with(otherNotifyKey(t), ring).userSecret(t, u), "a sealed secret ignores the notify key")

	noRing := e.with(e.keys, nil)
	_, err = noRing.settings.Get(ctx, u.ID)
	require.ErrorIs(t, err, sealed.ErrNotConfigured, "a sealed secret is never replaced by a derived one")
}

func TestCustomHeadersGoToTheWebhookOriginOnly(t *testing.T) {
	e := newHookEnv(t, 0)
	e = e.with(e.keys, keyring(t))
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook})
	_, err := e.settings.Set(ctx, u.ID, e.recv.URL+"/default", true)
	require.NoError(t, err)
	token := "Bearer s3cr3t-token-0123456789"
	set, err := e.settings.SetHeader(ctx, u.ID, "authorization", token)
	require.NoError(t, err)
	_, err = e.settings.SetHeader(ctx, u.ID, "X-Team", "ops")
	require.NoError(t, err)
	require.Len(t, set.Headers, 1)
	require.Equal(t, "Authorization", set.Headers[0].Name, "names are kept in canonical form")
	require.Equal(t, "••••6789", set.Headers[0].Masked)
	got, err := e.settings.Get(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"Authorization", "X-Team"}, []string{got.Headers[0].Name, got.Headers[1].Name})
	require.Equal(t, "••••", got.Headers[1].Masked, "a short value shows nothing")

	require.Equal(t, 1, e.deliver(t))
	hook := e.recv.Hooks()[0]
	require.Equal(t, token, hook.Header.Get("Authorization"))
	require.Equal(t, "ops", hook.Header.Get("X-Team"))
	require.Equal(t, "application/json", hook.Header.Get("Content-Type"))

	res, err := e.settings.Test(ctx, u.ID, "")
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Equal(t, token, e.recv.Hooks()[1].Header.Get("Authorization"), "send test carries them too")

	_, err = e.settings.DeleteHeader(ctx, u.ID, "AUTHORIZATION")
	require.NoError(t, err)
	_, err = e.settings.DeleteHeader(ctx, u.ID, "Authorization")
	require.ErrorIs(t, err, store.ErrNotFound)
	res, err = e.settings.Test(ctx, u.ID, "")
	require.NoError(t, err)
	require.True(t, res.OK)
	require.Empty(t, e.recv.Hooks()[2].Header.Get("Authorization"))

	// Disabling keeps them; moving the webhook to another origin drops them, so whoever moves
	// it never receives a credential meant for the old endpoint.
	got, err = e.settings.Set(ctx, u.ID, e.recv.URL+"/default", false)
	require.NoError(t, err)
	require.Len(t, got.Headers, 1)
	got, err = e.settings.Set(ctx, u.ID, "https://93.184.215.14:8443/collect", true) // saved, never reached
	require.NoError(t, err)
	require.Empty(t, got.Headers)
}

// A task's webhook on another origin than the account's never receives the headers: they often
// carry a credential meant for one endpoint.
func TestCustomHeadersStayOffOtherOrigins(t *testing.T) {
	e := newHookEnv(t, 0)
	e = e.with(e.keys, keyring(t))
	ctx := context.Background()
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL + "/task"})
	_, err := e.settings.SetHeader(ctx, u.ID, "Authorization", "Bearer for-hooks-example-only")
	require.NoError(t, err)
	_, err = e.s.SetWebhook(ctx, u.ID, "https://hooks.example.com/torale", true, notifykey.NewSalt(), "", e.clk.Now())
	require.NoError(t, err)
	require.Equal(t, 1, e.deliver(t))
	require.Empty(t, e.recv.Hooks()[0].Header.Get("Authorization"))
	res, err := e.settings.Test(ctx, u.ID, e.recv.URL)
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Empty(t, e.recv.Hooks()[1].Header.Get("Authorization"))
}

func TestCustomHeadersRefused(t *testing.T) {
	for _, name := range []string{"Connection", "keep-alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
		"Proxy-Authorization", "Host", "Content-Length", "content-type", "webhook-id", "Webhook-Timestamp",
		"webhook-signature", "X-Torale-Signature", "Torale-Delivery", "User-Agent"} {
		_, err := webhook.CheckHeader(name, "value")
		var he *webhook.HeaderError
		require.ErrorAs(t, err, &he, name)
		require.Contains(t, err.Error(), http.CanonicalHeaderKey(name), "the error names the header")
	}
	for _, bad := range [][2]string{{"", "v"}, {"Bad Name", "v"}, {"X-Ok:", "v"}, {strings.Repeat("x", 101), "v"},
		{"X-Ok", ""}, {"X-Ok", "line\r\nInjected: yes"}, {"X-Ok", " padded"}, {"X-Ok", strings.Repeat("v", 4097)}} {
		_, err := webhook.CheckHeader(bad[0], bad[1])
		require.Error(t, err, "%q", bad)
		if bad[1] != "v" && bad[1] != "" {
			require.NotContains(t, err.Error(), bad[1], "the value never appears in an error")
		}
	}
	name, err := webhook.CheckHeader("x-api-key", "abc")
	require.NoError(t, err)
	require.Equal(t, "X-Api-Key", name)
}

func TestHeadersNeedTheKeyring(t *testing.T) {
	e := newHookEnv(t, 0)
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: e.recv.URL})
	_, err := e.settings.SetHeader(context.Background(), u.ID, "X-Api-Key", "abc")
	require.ErrorIs(t, err, outbox.ErrNotConfigured)
}

func TestSameOrigin(t *testing.T) {
	base := "https://Hooks.example.com/torale"
	for target, want := range map[string]bool{
		"https://hooks.example.com/other":     true,
		"https://hooks.example.com:443/x":     true,
		"HTTPS://hooks.example.com":           true,
		"https://hooks.example.com:8443/x":    false,
		"http://hooks.example.com/torale":     false,
		"https://evil.example.com/torale":     false,
		"https://hooks.example.com.evil.com/": false,
	} {
		require.Equal(t, want, webhook.SameOrigin(target, base), target)
	}
	require.False(t, webhook.SameOrigin("https://hooks.example.com/", ""), "no account webhook, no headers")
}
