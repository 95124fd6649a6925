package command_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/webhook"
)

// The whole rotation, as an operator runs it: secrets saved under k1; the services and the
// command get "k2,k1"; rotate-secrets re-seals; then "k2" alone opens everything.
func TestAdminRotateSecrets(t *testing.T) {
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	ctx := context.Background()
	keys, err := notifykey.New("cli-test-notify-key-0123456789abcdef")
	require.NoError(t, err)
	k1, k2 := sealed.NewKey("k1"), sealed.NewKey("k2")
	settings := func(spec string) *webhook.Service {
		ring, err := sealed.Parse(spec)
		require.NoError(t, err)
		guard := netguard.New(netguard.Options{})
		sender := webhook.NewSender(webhook.Deps{Store: s, Keys: keys, Keyring: ring, Guard: guard, Now: time.Now, Log: logging.Discard()})
		return webhook.NewService(s, keys, ring, guard, sender, time.Now)
	}
	type saved struct {
		secret  string
		headers []webhook.Header
	}
	before := map[string]saved{}
	var users []store.User
	for _, id := range []string{"user_ada", "user_bob", "user_cy"} {
		u, err := s.EnsureUser(ctx, store.Identity{ExternalID: id})
		require.NoError(t, err)
		users = append(users, u)
		svc := settings(k1)
		_, err = svc.SetHeader(ctx, u.ID, "Authorization", "Bearer token-of-"+id+"-0123456789")
		require.NoError(t, err)
		w, err := svc.SetHeader(ctx, u.ID, "X-Api-Key", "key-of-"+id+"-abcdefghij")
		require.NoError(t, err)
		before[u.ID.String()] = saved{w.Secret, w.Headers}
	}

	env := map[string]string{"DATABASE_URL": url}
	code, _, stderr := run(t, env, "admin", "rotate-secrets")
	require.Equal(t, command.ExitUsage, code, stderr)
	require.Contains(t, stderr, "TORALE_SECRET_KEYS is not set")

	env["TORALE_SECRET_KEYS"] = k2 + "," + k1
	code, out, stderr := run(t, env, "admin", "rotate-secrets", "--batch", "2", "--json")
	require.Equal(t, command.ExitOK, code, stderr)
	var rep struct {
		Primary  string              `json:"primary"`
		Columns  []store.ResealCount `json:"columns"`
		Resealed int                 `json:"resealed"`
		Failed   int                 `json:"failed"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Equal(t, "k2", rep.Primary)
	require.Equal(t, 3+6, rep.Resealed, "three secrets and six header values, in batches of two")
	require.Zero(t, rep.Failed)

	code, out, stderr = run(t, env, "admin", "rotate-secrets")
	require.Equal(t, command.ExitOK, code, stderr)
	require.Contains(t, out, "webhook_headers.value_sealed\t0\t0\t0\t0")
	require.Contains(t, stderr, `0 re-sealed under key "k2"`, "a second run has nothing to do")

	after := settings(k2)
	for _, u := range users {
		w, err := after.Get(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, before[u.ID.String()].secret, w.Secret, "the same secret, opened with k2 alone")
		require.Equal(t, before[u.ID.String()].headers, w.Headers, "every header opens with k2 alone")
	}

	// A keyring that lost a key the database still needs fails loudly, naming the key.
	env["TORALE_SECRET_KEYS"] = sealed.NewKey("k3")
	code, _, stderr = run(t, env, "admin", "rotate-secrets")
	require.Equal(t, command.ExitError, code)
	require.Contains(t, stderr, `"k2"`)
	require.Contains(t, stderr, "did not open")
}
