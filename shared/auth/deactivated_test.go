package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// A deactivated account is refused by every authenticator on its next request, with a reason
// the caller can act on, and accepted again once reactivated: the statements that
// authenticate read the mark, so there is nothing to expire.
func TestDeactivatedAccountsAreRefusedEverywhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	f := newClerkFixture(t)
	clock := newFakeClock()
	clerk, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL()}, s, clock.Now)
	require.NoError(t, err)
	keys := auth.NewAPIKeys(s, clock.Now, nil)
	dev := auth.NewDev(s)

	session := request("Bearer " + f.sign(t, f.claims(clock.Now())))
	u, err := clerk.Authenticate(session)
	require.NoError(t, err)
	key, prefix, hash, err := auth.NewAPIKey()
	require.NoError(t, err)
	_, err = s.CreateAPIKey(ctx, u.ID, "k", prefix, hash)
	require.NoError(t, err)
	byKey := request("Bearer " + key)
	_, err = keys.Authenticate(byKey)
	require.NoError(t, err)
	devReq := request()
	devUser, err := dev.Authenticate(devReq)
	require.NoError(t, err)

	for _, id := range []store.User{u, devUser} {
		_, err = s.DeactivateUser(ctx, id.ID, clock.Now())
		require.NoError(t, err)
	}
	_, err = clerk.Authenticate(session)
	requireRefused(t, err, "this account is deactivated; contact the administrators")
	_, err = keys.Authenticate(byKey)
	requireRefused(t, err, "unknown or revoked API key, or a deactivated account")
	_, err = dev.Authenticate(devReq)
	requireRefused(t, err, "this account is deactivated; contact the administrators")

	_, err = s.ReactivateUser(ctx, u.ID, clock.Now())
	require.NoError(t, err)
	_, err = clerk.Authenticate(session)
	require.NoError(t, err)
	_, err = keys.Authenticate(byKey)
	require.NoError(t, err)
}
