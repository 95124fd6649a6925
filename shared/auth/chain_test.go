package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func newFakeClock() *clocktest.Clock {
	return clocktest.New(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC))
}

// request returns a GET with the given Authorization values, none when empty.
func request(authorization ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/v1/tasks", nil)
	for _, a := range authorization {
		r.Header.Add("Authorization", a)
	}
	return r
}

// requireRefused checks that err is a credential refusal with exactly the given text.
func requireRefused(t *testing.T, err error, msg string) {
	t.Helper()
	require.EqualError(t, err, msg)
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
}

func TestChainRoutesByCredential(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	clock := newFakeClock()
	keys := auth.NewAPIKeys(s, clock.Now, nil)
	owner, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:owner"})
	require.NoError(t, err)
	apiKey := createKey(t, s, owner)

	f := newClerkFixture(t)
	clerk, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL(), AllowedOrigins: []string{testOrigin}}, s, clock.Now)
	require.NoError(t, err)
	session := f.sign(t, f.claims(clock.Now()))
	dev := auth.NewDev(s)

	full := &auth.Chain{APIKeys: keys, Clerk: clerk, Dev: dev}
	noDev := &auth.Chain{APIKeys: keys, Clerk: clerk}
	keysOnly := &auth.Chain{APIKeys: keys}
	empty := &auth.Chain{}

	tests := []struct {
		name     string
		chain    *auth.Chain
		req      *http.Request
		external string // the user's external id, when accepted
		err      string // the refusal, otherwise
	}{
		{name: "no header goes to dev", chain: full, req: request(), external: "dev:dev"},
		{name: "dev user header", chain: full, req: withDevUser(request(), "alice"), external: "dev:alice"},
		{name: "no header without dev", chain: noDev, req: request(), err: "send Authorization: Bearer <token>"},
		{name: "api key", chain: full, req: request("Bearer " + apiKey), external: "dev:owner"},
		{name: "api key, lower-case scheme", chain: keysOnly, req: request("bearer " + apiKey), external: "dev:owner"},
		{name: "malformed api key", chain: full, req: request("Bearer tor_nope"), err: "malformed API key"},
		{name: "session token", chain: full, req: request("Bearer " + session), external: "clerk:user_2abc"},
		{name: "session token without clerk", chain: keysOnly, req: request("Bearer " + session),
			err: "session tokens are not accepted by this deployment"},
		{name: "api key without api keys", chain: empty, req: request("Bearer " + apiKey),
			err: "API keys are not accepted by this deployment"},
		{name: "basic auth, even with dev", chain: full, req: request("Basic dXNlcjpwYXNz"),
			err: "use Authorization: Bearer <token>"},
		{name: "empty bearer", chain: full, req: request("Bearer "), err: "use Authorization: Bearer <token>"},
		{name: "empty header", chain: full, req: request(""), err: "use Authorization: Bearer <token>"},
		{name: "two words", chain: full, req: request("Bearer a b"), err: "use Authorization: Bearer <token>"},
		{name: "two headers", chain: full, req: request("Bearer "+apiKey, "Bearer "+session),
			err: "send a single Authorization header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, err := tt.chain.Authenticate(tt.req)
			if tt.err != "" {
				requireRefused(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.external, user.ExternalID)
		})
	}
}

func withDevUser(r *http.Request, name string) *http.Request {
	r.Header.Set(auth.DevUserHeader, name)
	return r
}
