package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	josejwt "github.com/go-jose/go-jose/v3/jwt"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store/storetest"
)

const (
	testOrigin    = "https://app.torale.test"
	testIssuer    = "https://clerk.torale.test"
	testSecretKey = "sk_test_torale"
	testKID       = "ins_test_1"
)

// rsaKeys are made once: 2048-bit generation is slow enough to matter across many tests.
var rsaKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// clerkFixture is a fake Clerk: it serves a JWKS both as a fixed document and as the Backend
// API's GET /v1/jwks (which demands the secret key), and signs session tokens.
type clerkFixture struct {
	server *httptest.Server
	key    *rsa.PrivateKey
	hits   atomic.Int32
	failed atomic.Bool // answer 500 when set

	mu   sync.Mutex
	jwks jose.JSONWebKeySet
}

func newClerkFixture(t *testing.T) *clerkFixture {
	t.Helper()
	f := &clerkFixture{key: rsaKeys()[0]}
	f.publish(testKID, &f.key.PublicKey)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", f.serveJWKS)
	mux.HandleFunc("GET /v1/jwks", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testSecretKey {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"message":"Unauthorized","code":"authentication_invalid"}]}`))
			return
		}
		f.serveJWKS(w, r)
	})
	f.server = httptest.NewServer(mux)
	t.Cleanup(f.server.Close)
	return f
}

func (f *clerkFixture) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	f.hits.Add(1)
	if f.failed.Load() {
		http.Error(w, "upstream exploded", http.StatusInternalServerError)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(f.jwks)
}

// publish adds a public key to the JWKS, as Clerk does when it rotates keys.
func (f *clerkFixture) publish(kid string, pub *rsa.PublicKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jwks.Keys = append(f.jwks.Keys, jose.JSONWebKey{Key: pub, KeyID: kid, Algorithm: "RS256", Use: "sig"})
}

func (f *clerkFixture) jwksURL() string { return f.server.URL + "/.well-known/jwks.json" }

// claims are those of a fresh Clerk session token at now.
func (f *clerkFixture) claims(now time.Time) map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "user_2abc", "sid": "sess_2abc", "azp": testOrigin,
		"iat": now.Add(-10 * time.Second).Unix(), "nbf": now.Add(-10 * time.Second).Unix(),
		"exp": now.Add(50 * time.Second).Unix(),
	}
}

func (f *clerkFixture) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	return signWith(t, jose.RS256, f.key, testKID, claims)
}

func signWith(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	token, err := josejwt.Signed(signer).Claims(claims).CompactSerialize()
	require.NoError(t, err)
	return token
}

func segment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// clerkModes are the two ways of getting the keys: a fixed JWKS URL, and the Backend API.
func clerkModes(f *clerkFixture) map[string]auth.ClerkConfig {
	return map[string]auth.ClerkConfig{
		"jwks url":   {JWKSURL: f.jwksURL(), AllowedOrigins: []string{testOrigin + "/", "https://other.torale.test"}},
		"secret key": {SecretKey: testSecretKey, APIURL: f.server.URL + "/v1", AllowedOrigins: []string{testOrigin}},
	}
}

func TestClerkAuthenticate(t *testing.T) {
	t.Parallel()
	f := newClerkFixture(t)
	for mode, cfg := range clerkModes(f) {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := storetest.New(t)
			clock := newFakeClock()
			c, err := auth.NewClerk(cfg, s, clock.Now)
			require.NoError(t, err)
			now := clock.Now()
			valid := f.sign(t, f.claims(now))

			first, err := c.Authenticate(request("Bearer " + valid))
			require.NoError(t, err)
			require.Equal(t, "clerk:user_2abc", first.ExternalID)
			again, err := c.Authenticate(request("Bearer " + valid))
			require.NoError(t, err)
			require.Equal(t, first.ID, again.ID, "the same user on the next request")

			// A token carrying the sign-in email makes it the user's, verified for notifications.
			withEmail := f.claims(now)
			withEmail["email"] = "Ada@Example.com"
			u, err := c.Authenticate(request("Bearer " + f.sign(t, withEmail)))
			require.NoError(t, err)
			require.Equal(t, first.ID, u.ID)
			require.Equal(t, "ada@example.com", u.Email)
			ok, err := s.EmailVerified(context.Background(), u.ID, "ada@example.com")
			require.NoError(t, err)
			require.True(t, ok, "a Clerk sign-in address counts as verified")

			with := func(change func(map[string]any)) string {
				claims := f.claims(now)
				change(claims)
				return f.sign(t, claims)
			}
			// Claims the database cannot hold (issue 11): a NUL in the email drops the email, in
			// the subject refuses the token, and neither is a 503.
			nulEmail := f.claims(now)
			nulEmail["email"] = "ada\u0000@example.com"
			u, err = c.Authenticate(request("Bearer " + f.sign(t, nulEmail)))
			require.NoError(t, err)
			require.Equal(t, "ada@example.com", u.Email, "the stored email stays")
			_, err = c.Authenticate(request("Bearer " + with(func(c map[string]any) { c["sub"] = "user_\u0000" })))
			requireRefused(t, err, "invalid or expired session token")
			parts := strings.Split(valid, ".")
			forged := f.claims(now)
			forged["sub"] = "user_admin"
			pemKey, err := x509.MarshalPKIXPublicKey(&f.key.PublicKey)
			require.NoError(t, err)
			pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pemKey})

			refused := map[string]string{
				"expired": with(func(c map[string]any) {
					c["iat"], c["nbf"], c["exp"] = now.Add(-3*time.Minute).Unix(), now.Add(-3*time.Minute).Unix(), now.Add(-time.Minute).Unix()
				}),
				"not yet valid":   with(func(c map[string]any) { c["nbf"] = now.Add(time.Minute).Unix() }),
				"issued later":    with(func(c map[string]any) { c["iat"] = now.Add(time.Minute).Unix() }),
				"no expiry":       with(func(c map[string]any) { delete(c, "exp") }),
				"no subject":      with(func(c map[string]any) { delete(c, "sub") }),
				"wrong issuer":    with(func(c map[string]any) { c["iss"] = "https://evil.example.com" }),
				"wrong azp":       with(func(c map[string]any) { c["azp"] = "https://evil.example.com" }),
				"missing azp":     with(func(c map[string]any) { delete(c, "azp") }),
				"tampered":        parts[0] + "." + segment(forged) + "." + parts[2],
				"unknown kid":     signWith(t, jose.RS256, rsaKeys()[1], "ins_other", f.claims(now)),
				"wrong key":       signWith(t, jose.RS256, rsaKeys()[1], testKID, f.claims(now)),
				"no kid":          segment(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." + parts[1] + "." + parts[2],
				"alg none":        segment(map[string]any{"alg": "none", "typ": "JWT", "kid": testKID}) + "." + parts[1] + ".",
				"HS256 with PEM":  signWith(t, jose.HS256, pemText, testKID, f.claims(now)),
				"HS256 with DER":  signWith(t, jose.HS256, pemKey, testKID, f.claims(now)),
				"not a JWT":       "hello",
				"api key":         "tor_" + strings.Repeat("0", 49),
				"bad base64":      "!!!.@@@.###",
				"JSON serialized": `{"payload":"` + parts[1] + `","signatures":[]}`,
			}
			for name, token := range refused {
				t.Run(name, func(t *testing.T) {
					_, err := c.Authenticate(request("Bearer " + token))
					requireRefused(t, err, "invalid or expired session token")
				})
			}
		})
	}
}

func TestClerkWithoutOriginsAcceptsAnyAzp(t *testing.T) {
	t.Parallel()
	f := newClerkFixture(t)
	clock := newFakeClock()
	c, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL()}, storetest.New(t), clock.Now)
	require.NoError(t, err)
	for _, azp := range []string{"", "https://anywhere.example.com"} {
		claims := f.claims(clock.Now())
		claims["azp"] = azp
		_, err := c.Authenticate(request("Bearer " + f.sign(t, claims)))
		require.NoError(t, err, azp)
	}
}

func TestClerkRefetchesKeysAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	f := newClerkFixture(t)
	clock := newFakeClock()
	c, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL()}, storetest.New(t), clock.Now)
	require.NoError(t, err)
	authenticate := func(key *rsa.PrivateKey, kid string) error {
		_, err := c.Authenticate(request("Bearer " + signWith(t, jose.RS256, key, kid, f.claims(clock.Now()))))
		return err
	}
	rotated := rsaKeys()[1]

	require.NoError(t, authenticate(f.key, testKID))
	require.EqualValues(t, 1, f.hits.Load())
	for range 5 {
		requireRefused(t, authenticate(rotated, "ins_rotated"), "invalid or expired session token")
	}
	require.EqualValues(t, 1, f.hits.Load(), "unknown kids within the minute do not refetch")

	f.publish("ins_rotated", &rotated.PublicKey)
	clock.Add(30 * time.Second)
	requireRefused(t, authenticate(rotated, "ins_rotated"), "invalid or expired session token")
	require.EqualValues(t, 1, f.hits.Load())

	clock.Add(31 * time.Second)
	require.NoError(t, authenticate(rotated, "ins_rotated"), "a minute on, the rotated key is fetched")
	require.EqualValues(t, 2, f.hits.Load())
	for range 5 {
		require.NoError(t, authenticate(rotated, "ins_rotated"))
		require.NoError(t, authenticate(f.key, testKID))
	}
	require.EqualValues(t, 2, f.hits.Load(), "known kids never refetch")
}

func TestClerkConcurrentUnknownKidsFetchOnce(t *testing.T) {
	t.Parallel()
	f := newClerkFixture(t)
	clock := newFakeClock()
	c, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL()}, storetest.New(t), clock.Now)
	require.NoError(t, err)
	token := signWith(t, jose.RS256, rsaKeys()[1], "ins_forged", f.claims(clock.Now()))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := c.Authenticate(request("Bearer " + token))
			require.Error(t, err)
		})
	}
	wg.Wait()
	require.EqualValues(t, 1, f.hits.Load())
}

func TestClerkKeysUnavailable(t *testing.T) {
	t.Parallel()
	f := newClerkFixture(t)
	f.failed.Store(true)
	clock := newFakeClock()
	for mode, cfg := range map[string]auth.ClerkConfig{
		"jwks url":         {JWKSURL: f.jwksURL()},
		"wrong secret key": {SecretKey: "sk_test_wrong", APIURL: f.server.URL + "/v1"},
	} {
		c, err := auth.NewClerk(cfg, storetest.New(t), clock.Now)
		require.NoError(t, err)
		token := f.sign(t, f.claims(clock.Now()))
		_, err = c.Authenticate(request("Bearer " + token))
		require.Error(t, err, mode)
		require.NotErrorIs(t, err, auth.ErrUnauthenticated, "%s: the caller did nothing wrong", mode)
		require.NotContains(t, err.Error(), "exploded", mode)
		require.NotContains(t, err.Error(), "Unauthorized", mode)
	}

	c, err := auth.NewClerk(auth.ClerkConfig{JWKSURL: f.jwksURL()}, storetest.New(t), clock.Now)
	require.NoError(t, err)
	authenticate := func() error {
		_, err := c.Authenticate(request("Bearer " + f.sign(t, f.claims(clock.Now()))))
		return err
	}
	hits := f.hits.Load()
	require.Error(t, authenticate())
	f.failed.Store(false)
	require.Error(t, authenticate(), "a failed fetch is not retried within the minute")
	require.Equal(t, hits+1, f.hits.Load())
	clock.Add(time.Minute)
	require.NoError(t, authenticate())
}

func TestNewClerkChecksConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]auth.ClerkConfig{
		"nothing":           {},
		"origins only":      {AllowedOrigins: []string{testOrigin}},
		"relative JWKS URL": {JWKSURL: "/.well-known/jwks.json"},
		"plain-http JWKS":   {JWKSURL: "http://clerk.example.com/.well-known/jwks.json"},
		"plain-http API":    {SecretKey: testSecretKey, APIURL: "http://api.example.com/v1"},
	} {
		_, err := auth.NewClerk(cfg, nil, nil)
		require.Error(t, err, name)
	}
	for name, cfg := range map[string]auth.ClerkConfig{
		"https JWKS":    {JWKSURL: "https://clerk.example.com/.well-known/jwks.json"},
		"loopback JWKS": {JWKSURL: "http://127.0.0.1:8080/jwks.json"},
		"secret key":    {SecretKey: testSecretKey},
	} {
		_, err := auth.NewClerk(cfg, nil, nil)
		require.NoError(t, err, name)
	}
}
