package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
)

// The whole rotation on a real database: values sealed under k1 in every registered column; the
// keyring "k2,k1" re-seals them (in batches smaller than the table); then "k2" alone opens them.
func TestResealMovesEveryColumnToThePrimaryKey(t *testing.T) {
	b := setup(t)
	k1, k2, k0 := sealed.NewKey("k1"), sealed.NewKey("k2"), sealed.NewKey("k0")
	old := ring(t, k1)
	seal := func(r *sealed.Keyring, v, where string) string {
		s, err := r.Seal([]byte(v), where)
		require.NoError(t, err)
		return s
	}
	want := map[string]string{} // where -> plaintext
	for _, u := range []store.User{b.user, b.other} {
		where := store.WebhookSecretWhere(u.ID)
		_, err := b.store.EnsureWebhook(b.ctx, u.ID, salt(1), seal(old, "whsec_first-"+u.ID.String(), where))
		require.NoError(t, err)
		_, err = b.store.RotateWebhookSecret(b.ctx, u.ID, salt(2), seal(old, "whsec_second-"+u.ID.String(), where), b.now, b.now.Add(24*time.Hour))
		require.NoError(t, err)
		want[where] = "whsec_second-" + u.ID.String()
		for i := range 3 {
			name := fmt.Sprintf("X-Token-%d", i)
			v := fmt.Sprintf("value %d of %s", i, u.ID)
			require.NoError(t, b.store.SetWebhookHeader(b.ctx, u.ID, name, seal(old, v, store.WebhookHeaderWhere(u.ID, name)), b.now))
			want[store.WebhookHeaderWhere(u.ID, name)] = v
		}
	}
	channels := map[string]store.Channel{} // where -> channel
	for i, u := range []store.User{b.user, b.other} {
		c := store.Channel{ID: uuid.New(), UserID: u.ID, Kind: "ntfy", Name: fmt.Sprintf("phone %d", i), Masked: map[string]string{}}
		where := store.ChannelWhere(u.ID, c.ID)
		c.Sealed = seal(old, `{"topic":"t`+u.ID.String()+`"}`, where)
		_, err := b.store.CreateChannel(b.ctx, c, b.now)
		require.NoError(t, err)
		channels[where], want[where] = c, `{"topic":"t`+u.ID.String()+`"}`
	}
	// One value under a key nobody holds any more: counted, named, left alone.
	require.NoError(t, b.store.SetWebhookHeader(b.ctx, b.other.ID, "X-Lost",
		seal(ring(t, k0), "lost", store.WebhookHeaderWhere(b.other.ID, "X-Lost")), b.now))

	during := ring(t, k2+","+k1)
	got := map[string]store.ResealCount{}
	for _, col := range store.SealedColumns() {
		c, err := b.store.Reseal(b.ctx, during, col, 2)
		require.NoError(t, err)
		got[col.Table+"."+col.Column] = c
	}
	for _, col := range store.SealedColumns() {
		require.Positive(t, got[col.Table+"."+col.Column].Stale, "seed a value in %s.%s above, so its rotation is tested", col.Table, col.Column)
	}
	require.Equal(t, 2, got["user_webhooks.secret_sealed"].Resealed)
	require.Equal(t, 2, got["user_webhooks.previous_sealed"].Resealed)
	headers := got["webhook_headers.value_sealed"]
	require.Equal(t, 7, headers.Stale)
	require.Equal(t, 6, headers.Resealed)
	require.Equal(t, 1, headers.Failed)
	require.Len(t, headers.Errors, 1)
	require.Contains(t, headers.Errors[0], `"k0"`)
	require.NotContains(t, headers.Errors[0], "lost", "a failure never shows the value")

	for _, col := range store.SealedColumns() {
		c, err := b.store.Reseal(b.ctx, during, col, 2)
		require.NoError(t, err)
		require.Zero(t, c.Resealed, "a second run has nothing to do: %+v", c)
	}
	require.Equal(t, 2, got["channels.settings"].Resealed)

	after := ring(t, k2)
	for where, c := range channels {
		got, err := b.store.GetChannel(b.ctx, c.UserID, c.ID)
		require.NoError(t, err)
		require.Equal(t, want[where], open(t, after, got.Sealed, where))
	}

	for _, u := range []store.User{b.user, b.other} {
		h, err := b.store.GetWebhook(b.ctx, u.ID)
		require.NoError(t, err)
		where := store.WebhookSecretWhere(u.ID)
		require.Equal(t, want[where], open(t, after, h.SecretSealed, where))
		require.Equal(t, "whsec_first-"+u.ID.String(), open(t, after, h.PreviousSealed, where))
		list, err := b.store.WebhookHeaders(b.ctx, u.ID)
		require.NoError(t, err)
		for _, hd := range list {
			if hd.Name == "X-Lost" {
				require.Equal(t, "k0", sealed.KeyID(hd.ValueSealed))
				continue
			}
			where := store.WebhookHeaderWhere(u.ID, hd.Name)
			require.Equal(t, want[where], open(t, after, hd.ValueSealed, where))
		}
	}
}

func TestWebhookHeadersAreLimited(t *testing.T) {
	b := setup(t)
	require.ErrorIs(t, b.store.SetWebhookHeader(b.ctx, b.user.ID, "X-A", "k1.x", b.now), store.ErrNotFound, "no webhook record yet")
	_, err := b.store.EnsureWebhook(b.ctx, b.user.ID, salt(1), "")
	require.NoError(t, err)
	for i := range store.MaxWebhookHeaders {
		require.NoError(t, b.store.SetWebhookHeader(b.ctx, b.user.ID, fmt.Sprintf("X-%d", i), "k1.x", b.now))
	}
	require.ErrorIs(t, b.store.SetWebhookHeader(b.ctx, b.user.ID, "X-Eleven", "k1.x", b.now), store.ErrTooManyHeaders)
	require.NoError(t, b.store.SetWebhookHeader(b.ctx, b.user.ID, "X-3", "k1.y", b.now), "replacing one is fine at the limit")
	require.NoError(t, b.store.DeleteWebhookHeader(b.ctx, b.user.ID, "X-3"))
	require.ErrorIs(t, b.store.DeleteWebhookHeader(b.ctx, b.user.ID, "X-3"), store.ErrNotFound)
	require.ErrorIs(t, b.store.DeleteWebhookHeader(b.ctx, b.other.ID, "X-4"), store.ErrNotFound, "bob cannot remove alice's")
	list, err := b.store.WebhookHeaders(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Len(t, list, store.MaxWebhookHeaders-1)
	none, err := b.store.WebhookHeaders(b.ctx, b.other.ID)
	require.NoError(t, err)
	require.Empty(t, none)
}

func ring(t *testing.T, spec string) *sealed.Keyring {
	t.Helper()
	k, err := sealed.Parse(spec)
	require.NoError(t, err)
	return k
}

func open(t *testing.T, k *sealed.Keyring, v, where string) string {
	t.Helper()
	p, err := k.Open(v, where)
	require.NoError(t, err)
	return string(p)
}
