package channel_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/netip"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/channel"
	"github.com/torale-ai/torale/shared/channel/channeltest"
	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// bundle is one test's database, user, keys and clock.
type bundle struct {
	st   *store.Store
	user uuid.UUID
	keys *sealed.Keyring
	// spec is the keyring as TORALE_SECRET_KEYS writes it, for rotation.
	spec string
	now  time.Time
}

func setup(t *testing.T) *bundle {
	t.Helper()
	st := storetest.New(t)
	u, err := st.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:channels"})
	require.NoError(t, err)
	spec := sealed.NewKey("k1")
	keys, err := sealed.Parse(spec)
	require.NoError(t, err)
	return &bundle{st: st, user: u.ID, keys: keys, spec: spec, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

func (b *bundle) clock() time.Time { return b.now }

// deps are channel deps under guard g.
func (b *bundle) deps(g *netguard.Guard) channel.Deps {
	return channel.Deps{Store: b.st, Keys: b.keys, Guard: g, PublicURL: "https://app.torale.example", Now: b.clock,
		Log: logging.Discard()}
}

func (b *bundle) service(g *netguard.Guard) *channel.Service {
	d := b.deps(g)
	return channel.NewService(d, channel.NewSender(d))
}

// guardFor is the production policy that lets requests reach only the fakes (https).
func guardFor(fakes ...*channeltest.Service) *netguard.Guard {
	roots := x509.NewCertPool()
	var allow []netip.AddrPort
	for _, f := range fakes {
		roots.AddCert(f.Server().Certificate())
		allow = append(allow, f.Addr())
	}
	return netguard.New(netguard.Options{Allow: allow, TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}})
}

// finishRun records a successful run of a new task that notifies ns, returning its outbox rows.
func (b *bundle) finishRun(t *testing.T, ns []task.Notification) []task.Delivery {
	t.Helper()
	ctx := context.Background()
	tk, err := b.st.CreateTask(ctx, store.NewTask{UserID: b.user, Name: "iPhone 18", SearchQuery: "When does the iPhone 18 ship?",
		ConditionDescription: "It ships", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive,
		Notifications: ns})
	require.NoError(t, err)
	e, err := b.st.StartExecution(ctx, store.StartRun{UserID: b.user, TaskID: tk.ID, ScheduledFor: &b.now, Now: b.now,
		Deadline: b.now.Add(time.Minute)})
	require.NoError(t, err)
	note := "The iPhone 18 ships on September 18."
	ds, err := b.st.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user, TaskID: tk.ID, Attempt: 1, Now: b.now,
		Status: task.StatusSuccess, Result: &task.Result{Notification: &note, Confidence: 93, Evidence: "Apple's newsroom.",
			Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"}}}, Notify: ns})
	require.NoError(t, err)
	return ds
}

func (b *bundle) notifier(s outbox.Sender) *outbox.Notifier {
	return outbox.New(b.st, map[task.ChannelType]outbox.Sender{task.ChannelChat: s}, b.clock, logging.Discard())
}

func (b *bundle) log(t *testing.T) []store.DeliveryLog {
	t.Helper()
	list, err := b.st.ListDeliveryLog(context.Background(), b.user, task.ChannelChat, nil, 50, nil)
	require.NoError(t, err)
	return list
}

func TestRetryAfterA500ReusesTheDeliveryRowAndID(t *testing.T) {
	b := setup(t)
	ntfy := channeltest.NewTLS("ntfy")
	defer ntfy.Close()
	g := guardFor(ntfy)
	ctx := context.Background()
	ch, err := b.service(g).Create(ctx, b.user, channel.Input{Kind: chat.Ntfy, Name: "Phone", Settings: ntfy.Settings("secret0123456789")})
	require.NoError(t, err)
	ds := b.finishRun(t, []task.Notification{{Type: task.ChannelChat, ChannelID: ch.ID.String()}})
	require.Len(t, ds, 1)

	ntfy.FailNext(500)
	n := b.notifier(channel.NewSender(b.deps(g)))
	_, err = n.DeliverDue(ctx)
	require.NoError(t, err)
	b.now = b.now.Add(2 * time.Minute) // past the first retry (1 minute ± 10%)
	_, err = n.DeliverDue(ctx)
	require.NoError(t, err)

	got := ntfy.Requests()
	require.Len(t, got, 2, "the failure and its retry")
	for _, r := range got {
		require.Equal(t, ds[0].ID.String(), r.JSON()["sequence_id"], "the same delivery id on every try")
	}
	list := b.log(t)
	require.Len(t, list, 1, "one outbox row")
	require.Equal(t, ds[0].ID, list[0].ID)
	require.Equal(t, task.DeliveryDelivered, list[0].Status)
	require.Len(t, list[0].AttemptLog, 2)
	require.False(t, list[0].AttemptLog[0].OK)
	require.Equal(t, 500, *list[0].AttemptLog[0].ResponseCode)
	require.Contains(t, list[0].AttemptLog[0].Error, "ntfy answered 500")
	require.True(t, list[0].AttemptLog[1].OK)
}

func TestSaveRefusesPrivateAndMetadataAddresses(t *testing.T) {
	b := setup(t)
	svc := b.service(netguard.New(netguard.Options{})) // TORALE_WEBHOOK_ALLOW_PRIVATE off
	ctx := context.Background()
	for _, c := range []struct {
		kind  chat.Kind
		field string
		in    chat.Settings
	}{
		{chat.Slack, "webhook_url", chat.Settings{"webhook_url": "https://169.254.169.254/services/T/B/secretkey1234"}},
		{chat.Discord, "webhook_url", chat.Settings{"webhook_url": "https://10.0.0.5/api/webhooks/1/secrettoken1234"}},
		{chat.Telegram, "api_url", chat.Settings{"bot_token": "123456789:AAbbccddeeffgghhiijjkkllmm", "chat_id": "42",
			"api_url": "https://192.168.1.10"}},
		{chat.Ntfy, "server", chat.Settings{"server": "https://metadata.google.internal", "topic": "alerts"}},
		{chat.Ntfy, "server", chat.Settings{"server": "http://127.0.0.1:8080", "topic": "alerts"}},
	} {
		_, err := svc.Create(ctx, b.user, channel.Input{Kind: c.kind, Name: string(c.kind), Settings: c.in})
		var ve *task.ValidationError
		require.ErrorAs(t, err, &ve, "%s %s", c.kind, c.in[c.field])
		require.Equal(t, "settings."+c.field, ve.Fields[0].Field)
		require.Contains(t, ve.Fields[0].Message, "cannot be used")
		require.NotContains(t, err.Error(), "secret")
	}
	list, err := svc.List(ctx, b.user)
	require.NoError(t, err)
	require.Empty(t, list, "nothing refused was saved")
}

func TestSendRefusesAddressesSavedWhenPrivateWereAllowed(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	// Saved under torale dev's policy, sent under production's.
	lax := b.service(netguard.New(netguard.Options{AllowPrivate: true}))
	var ns []task.Notification
	for _, u := range []string{"https://169.254.169.254/services/T/B/secretkey1234", "https://10.1.2.3/services/T/B/secretkey1234"} {
		ch, err := lax.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: u, Settings: chat.Settings{"webhook_url": u}})
		require.NoError(t, err)
		ns = append(ns, task.Notification{Type: task.ChannelChat, ChannelID: ch.ID.String()})
	}
	b.finishRun(t, ns)
	_, err := b.notifier(channel.NewSender(b.deps(netguard.New(netguard.Options{})))).DeliverDue(ctx)
	require.NoError(t, err)

	list := b.log(t)
	require.Len(t, list, 2)
	for _, d := range list {
		require.Equal(t, task.DeliveryFailed, d.Status, "refused for good, not retried")
		require.Len(t, d.AttemptLog, 1)
		require.Contains(t, d.AttemptLog[0].Error, "destination refused")
		require.NotContains(t, d.AttemptLog[0].Error, "secretkey")
	}
}

func TestSecretsAreMaskedAndSettingsMerge(t *testing.T) {
	b := setup(t)
	slack := channeltest.NewTLS("slack")
	defer slack.Close()
	svc := b.service(guardFor(slack))
	ctx := context.Background()
	settings := slack.Settings("XyZsecretkey9876")
	ch, err := svc.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: "Team", Settings: settings, IsDefault: true})
	require.NoError(t, err)
	require.Equal(t, "••••9876", ch.Masked["webhook_url"])
	require.NotContains(t, ch.Sealed, "XyZsecretkey", "stored sealed")

	renamed := "Team alerts"
	alerts := true
	ch, err = svc.Update(ctx, b.user, ch.ID, channel.Patch{Name: &renamed, ForAlerts: &alerts})
	require.NoError(t, err)
	require.Equal(t, "Team alerts", ch.Name)
	require.True(t, ch.ForAlerts && ch.IsDefault)
	res, err := svc.Test(ctx, b.user, ch.ID)
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Equal(t, 200, *res.StatusCode)
	require.Contains(t, string(slack.Requests()[0].Body), "Test", "a test says so")
	require.Equal(t, "/services/T0001/B0001/XyZsecretkey9876", slack.Requests()[0].Path, "the secret survived the rename")

	_, err = svc.Update(ctx, b.user, ch.ID, channel.Patch{Settings: chat.Settings{"webhook_url": "https://169.254.169.254/x"}})
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = svc.Create(ctx, b.user, channel.Input{Kind: "carrier-pigeon", Name: "x"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "kind", ve.Fields[0].Field)
	_, err = svc.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: "Team alerts", Settings: settings})
	var ce *store.ConflictError
	require.ErrorAs(t, err, &ce, "names are unique per user")
}

func TestDeletedOrUnopenableChannelFailsForGood(t *testing.T) {
	b := setup(t)
	slack := channeltest.NewTLS("slack")
	defer slack.Close()
	g := guardFor(slack)
	svc := b.service(g)
	ctx := context.Background()
	gone, err := svc.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: "Gone", Settings: slack.Settings("k1secret0123456")})
	require.NoError(t, err)
	ds := b.finishRun(t, []task.Notification{{Type: task.ChannelChat, ChannelID: gone.ID.String()}})
	require.NoError(t, svc.Delete(ctx, b.user, gone.ID))
	// A keyring without the key that sealed: the settings cannot be opened.
	other, err := sealed.Parse(sealed.NewKey("k2"))
	require.NoError(t, err)
	kept, err := svc.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: "Kept", Settings: slack.Settings("k1secret0123456")})
	require.NoError(t, err)
	b.finishRun(t, []task.Notification{{Type: task.ChannelChat, ChannelID: kept.ID.String()}})
	d := b.deps(g)
	d.Keys = other
	_, err = b.notifier(channel.NewSender(d)).DeliverDue(ctx)
	require.NoError(t, err)

	reasons := map[uuid.UUID]string{}
	for _, l := range b.log(t) {
		require.Equal(t, task.DeliveryFailed, l.Status)
		reasons[l.ID] = l.AttemptLog[0].Error
	}
	require.Contains(t, reasons[ds[0].ID], "the channel was deleted")
	delete(reasons, ds[0].ID)
	for _, r := range reasons {
		require.Contains(t, r, "could not be opened")
	}
	require.Zero(t, slack.Count())
}

func TestDefaultChannelsAndReseal(t *testing.T) {
	b := setup(t)
	slack, ntfy := channeltest.NewTLS("slack"), channeltest.NewTLS("ntfy")
	defer slack.Close()
	defer ntfy.Close()
	g := guardFor(slack, ntfy)
	svc := b.service(g)
	ctx := context.Background()
	a, err := svc.Create(ctx, b.user, channel.Input{Kind: chat.Slack, Name: "A", Settings: slack.Settings("akey0123456789"), IsDefault: true})
	require.NoError(t, err)
	_, err = svc.Create(ctx, b.user, channel.Input{Kind: chat.Ntfy, Name: "B", Settings: ntfy.Settings("bkey0123456789"), IsDefault: true})
	require.NoError(t, err)
	_, err = svc.Create(ctx, b.user, channel.Input{Kind: chat.Ntfy, Name: "C", Settings: ntfy.Settings("ckey0123456789")})
	require.NoError(t, err)
	// Every default, and A again by id: told once each.
	ds := b.finishRun(t, []task.Notification{{Type: task.ChannelChat}, {Type: task.ChannelChat, ChannelID: a.ID.String()}})
	require.Len(t, ds, 2)

	// Rotation: a new sealing key first, the old one still opening until re-sealed.
	rotated, err := sealed.Parse(sealed.NewKey("k2") + "," + b.spec)
	require.NoError(t, err)
	var col store.SealedColumn
	for _, c := range store.SealedColumns() {
		if c.Table == "channels" {
			col = c
		}
	}
	require.Equal(t, "settings", col.Column, "channels are in the rotation's registry")
	n, err := b.st.Reseal(ctx, rotated, col, 2)
	require.NoError(t, err)
	require.Equal(t, 3, n.Resealed)
	n, err = b.st.Reseal(ctx, rotated, col, 2)
	require.NoError(t, err)
	require.Zero(t, n.Stale, "nothing left under the old key")
	b.keys = rotated
	_, err = b.notifier(channel.NewSender(b.deps(g))).DeliverDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, slack.Count())
	require.Equal(t, 1, ntfy.Count())
	require.Equal(t, "Bearer tk_bkey0123456789", ntfy.Requests()[0].Header.Get("Authorization"))
}

// Every kind this build knows saves, masks its secrets and sends a test through the guard.
func TestEveryKindSendsATest(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	for _, k := range chat.Kinds() {
		f := channeltest.NewTLS(string(k))
		defer f.Close()
		svc := b.service(guardFor(f))
		settings := f.Settings("Tok3nSecretValue" + string(k))
		require.NotNil(t, settings, "channeltest knows %s", k)
		ch, err := svc.Create(ctx, b.user, channel.Input{Kind: k, Name: string(k), Settings: settings})
		require.NoError(t, err, k)
		for name, v := range ch.Masked {
			require.NotContains(t, v, "Tok3nSecretValue", "%s.%s shown", k, name)
		}
		res, err := svc.Test(ctx, b.user, ch.ID)
		require.NoError(t, err)
		require.True(t, res.OK, "%s: %s", k, res.Error)
		require.Equal(t, 1, f.Count(), k)
	}
}

// Moving a channel to a new address needs its secrets again: otherwise anyone holding the
// account could point a saved token at a server of theirs and read it there.
func TestANewAddressNeedsTheSecretsAgain(t *testing.T) {
	b := setup(t)
	ntfy := channeltest.NewTLS("ntfy")
	defer ntfy.Close()
	svc := b.service(guardFor(ntfy))
	ctx := context.Background()
	ch, err := svc.Create(ctx, b.user, channel.Input{Kind: chat.Ntfy, Name: "Phone", Settings: ntfy.Settings("SavedToken123")})
	require.NoError(t, err)

	_, err = svc.Update(ctx, b.user, ch.ID, channel.Patch{Settings: chat.Settings{"server": "https://collector.example"}})
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "settings.token", ve.Fields[0].Field)
	require.NotContains(t, err.Error(), "SavedToken123")

	// The same address again, or a change that is not an address, keeps the secret.
	_, err = svc.Update(ctx, b.user, ch.ID, channel.Patch{Settings: chat.Settings{"topic": "torale-other"}})
	require.NoError(t, err)
	res, err := svc.Test(ctx, b.user, ch.ID)
	require.NoError(t, err)
	require.True(t, res.OK, res.Error)
	require.Equal(t, "Bearer tk_SavedToken123", ntfy.Requests()[0].Header.Get("Authorization"))
}
