package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/jwks"
	"github.com/clerk/clerk-sdk-go/v2/jwt"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/text"
)

// ClerkConfig says where Clerk's signing keys come from and which front ends may use them.
// One of SecretKey and JWKSURL is required; JWKSURL wins when both are set.
type ClerkConfig struct {
	// SecretKey (CLERK_SECRET_KEY) reads the signing keys from Clerk's Backend API.
	SecretKey string
	// JWKSURL (CLERK_JWKS_URL) is a fixed JWKS document, such as
	// https://<frontend-api>/.well-known/jwks.json, read without a secret.
	JWKSURL string
	// AllowedOrigins (TORALE_ALLOWED_ORIGINS) are the front-end origins a session token's
	// azp claim must name. Empty accepts tokens from any origin; set it in production.
	AllowedOrigins []string
	// APIURL replaces Clerk's Backend API base URL (default https://api.clerk.com/v1); tests
	// point it at a fake. The keys are read from APIURL + "/jwks".
	APIURL string
	// Logger receives the causes of failures that are not shown to the caller; nil discards.
	Logger *slog.Logger
}

const (
	// keyRefreshInterval limits how often an unknown kid may refetch the keys, so that forged
	// tokens cannot make us hammer the JWKS endpoint.
	keyRefreshInterval = time.Minute
	// jwksTimeout bounds one fetch of the keys.
	jwksTimeout = 5 * time.Second
	// jwksMaxBytes bounds a JWKS document; Clerk's holds a key or two.
	jwksMaxBytes = 1 << 20
	// clockLeeway absorbs clock skew between Clerk and us in exp, nbf and iat.
	clockLeeway = 5 * time.Second
	// maxSessionTokenLen refuses absurd tokens before any parsing; Clerk's are about 1 KB.
	maxSessionTokenLen = 16 << 10
	// maxSubjectLen keeps "clerk:" + sub within users.external_id.
	maxSubjectLen = 200
)

// Clerk authenticates requests that carry a Clerk session token. The signing keys are cached
// by kid and refetched only when a token names a kid we do not know, at most once a minute.
type Clerk struct {
	users   Users
	now     func() time.Time
	log     *slog.Logger
	origins map[string]bool
	fetch   func(context.Context) (map[string]*clerk.JSONWebKey, error)

	fetching sync.Mutex // held by the one fetch in flight

	mu        sync.Mutex
	keys      map[string]*clerk.JSONWebKey
	fetchedAt time.Time // when the last fetch started
	fetchErr  error     // how the last fetch failed, if it did
}

// NewClerk returns a Clerk authenticator; now is the clock for token lifetimes. It does not
// touch the network: the keys are fetched on the first token.
func NewClerk(cfg ClerkConfig, users Users, now func() time.Time) (*Clerk, error) {
	if now == nil {
		now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Clerk{users: users, now: now, log: log, keys: map[string]*clerk.JSONWebKey{}}
	httpClient := &http.Client{Timeout: jwksTimeout}
	switch {
	case cfg.JWKSURL != "":
		if err := checkURL(cfg.JWKSURL); err != nil {
			return nil, fmt.Errorf("CLERK_JWKS_URL: %w", err)
		}
		c.fetch = func(ctx context.Context) (map[string]*clerk.JSONWebKey, error) {
			return fetchJWKS(ctx, httpClient, cfg.JWKSURL)
		}
	case cfg.SecretKey != "":
		backend := clerk.BackendConfig{HTTPClient: httpClient, Key: clerk.String(cfg.SecretKey)}
		if cfg.APIURL != "" {
			if err := checkURL(cfg.APIURL); err != nil {
				return nil, fmt.Errorf("clerk API URL: %w", err)
			}
			backend.URL = clerk.String(cfg.APIURL)
		}
		client := jwks.NewClient(&clerk.ClientConfig{BackendConfig: backend})
		c.fetch = func(ctx context.Context) (map[string]*clerk.JSONWebKey, error) {
			set, err := client.Get(ctx, &jwks.GetParams{})
			if err != nil {
				return nil, fmt.Errorf("fetching Clerk JWKS: %w", err)
			}
			return usableKeys(set.Keys), nil
		}
	default:
		return nil, errors.New("clerk needs CLERK_SECRET_KEY or CLERK_JWKS_URL")
	}
	for _, o := range cfg.AllowedOrigins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			if c.origins == nil {
				c.origins = map[string]bool{}
			}
			c.origins[o] = true
		}
	}
	return c, nil
}

// Authenticate returns the user the request's session token was issued to, creating the
// user on first sight.
func (c *Clerk) Authenticate(r *http.Request) (store.User, error) {
	token, err := bearerToken(r)
	if err != nil {
		return store.User{}, err
	}
	ctx := r.Context()
	claims, err := c.verify(ctx, token)
	if err != nil {
		return store.User{}, err
	}
	if !text.Storable(claims.Subject) {
		// Signed, but not a subject the database can hold: refuse it rather than fail on it.
		return store.User{}, errInvalidSession
	}
	id := store.Identity{ExternalID: "clerk:" + claims.Subject}
	if ec, ok := claims.Custom.(*emailClaims); ok && len(ec.Email) <= 254 && strings.Contains(ec.Email, "@") && text.Storable(ec.Email) {
		// The sign-in address, when the session token template carries it, is the user's
		// email, and counts as verified for notifications.
		id.Email = strings.ToLower(strings.TrimSpace(ec.Email))
	}
	user, err := c.users.EnsureUser(ctx, id)
	if errors.Is(err, store.ErrDeactivated) {
		return store.User{}, errDeactivated
	}
	if err != nil {
		c.log.ErrorContext(ctx, "ensuring Clerk user", slog.String("error", err.Error()))
		return store.User{}, errUnavailable
	}
	return user, nil
}

// emailClaims is the one custom claim Torale reads: the user's primary email address, present
// when the Clerk session token template adds `"email": "{{user.primary_email_address}}"`.
type emailClaims struct {
	Email string `json:"email"`
}

// verify checks the token's signature, lifetime, issuer and azp, and returns its claims.
func (c *Clerk) verify(ctx context.Context, token string) (*clerk.SessionClaims, error) {
	// A compact JWS has exactly three parts; this also refuses JWS JSON serialization.
	if strings.HasPrefix(token, APIKeyPrefix) || len(token) > maxSessionTokenLen || strings.Count(token, ".") != 2 {
		return nil, errInvalidSession
	}
	unverified, err := jwt.Decode(ctx, &jwt.DecodeParams{Token: token})
	if err != nil || unverified.KeyID == "" {
		return nil, errInvalidSession
	}
	key, err := c.key(ctx, unverified.KeyID)
	if err != nil {
		return nil, err
	}
	if key == nil {
		c.log.DebugContext(ctx, "session token names an unknown key")
		return nil, errInvalidSession
	}
	params := &jwt.VerifyParams{Token: token, JWK: key, Clock: clockFunc(c.now), Leeway: clockLeeway,
		CustomClaimsConstructor: func(context.Context) any { return &emailClaims{} }}
	if c.origins != nil {
		params.AuthorizedPartyHandler = func(azp string) bool { return c.origins[azp] }
	}
	claims, err := jwt.Verify(ctx, params)
	if err != nil {
		c.log.DebugContext(ctx, "session token refused", slog.String("reason", err.Error()))
		return nil, errInvalidSession
	}
	// The SDK accepts a token without exp; a session token always has one.
	if claims.Expiry == nil || claims.Subject == "" || len(claims.Subject) > maxSubjectLen {
		return nil, errInvalidSession
	}
	return claims, nil
}

// key returns the signing key with the given kid, refetching the keys when it is unknown and
// the last fetch is over a minute old. It returns nil for a kid Clerk does not have.
func (c *Clerk) key(ctx context.Context, kid string) (*clerk.JSONWebKey, error) {
	c.mu.Lock()
	k := c.keys[kid]
	c.mu.Unlock()
	if k != nil {
		return k, nil
	}

	c.fetching.Lock()
	defer c.fetching.Unlock()
	c.mu.Lock()
	k, fetchedAt, fetchErr := c.keys[kid], c.fetchedAt, c.fetchErr
	c.mu.Unlock()
	now := c.now()
	switch {
	case k != nil: // the fetch we waited for brought it
		return k, nil
	case !fetchedAt.IsZero() && now.Sub(fetchedAt) < keyRefreshInterval:
		if fetchErr != nil {
			return nil, errUnavailable
		}
		return nil, nil
	}

	// The fetch serves every waiting request, so one caller going away must not cancel it;
	// the HTTP client's timeout bounds it instead.
	keys, err := c.fetch(context.WithoutCancel(ctx))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetchedAt, c.fetchErr = now, err
	if err != nil {
		c.log.ErrorContext(ctx, "fetching Clerk signing keys", slog.String("error", err.Error()))
		return nil, errUnavailable
	}
	c.keys = keys
	return keys[kid], nil
}

// fetchJWKS reads a JWKS document, skipping keys it cannot use.
func fetchJWKS(ctx context.Context, client *http.Client, jwksURL string) (map[string]*clerk.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching JWKS: status %d", resp.StatusCode)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, jwksMaxBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding JWKS: %w", err)
	}
	var keys []*clerk.JSONWebKey
	for _, raw := range doc.Keys {
		k := new(clerk.JSONWebKey)
		if json.Unmarshal(raw, k) == nil { // a key type we cannot read is one we do not need
			keys = append(keys, k)
		}
	}
	return usableKeys(keys), nil
}

// usableKeys keeps the RSA public signing keys of at least 2048 bits, by kid. Clerk signs
// with RS256, so pinning every key to it refuses tokens that claim another alg ("none",
// HS256 with the public key as secret) whatever the JWKS says.
func usableKeys(keys []*clerk.JSONWebKey) map[string]*clerk.JSONWebKey {
	out := make(map[string]*clerk.JSONWebKey, len(keys))
	for _, k := range keys {
		if k == nil || k.KeyID == "" || (k.Use != "" && k.Use != "sig") ||
			(k.Algorithm != "" && k.Algorithm != "RS256") {
			continue
		}
		pub, ok := k.Key.(*rsa.PublicKey)
		if !ok || pub.N.BitLen() < 2048 {
			continue
		}
		out[k.KeyID] = &clerk.JSONWebKey{Key: pub, KeyID: k.KeyID, Algorithm: "RS256", Use: "sig"}
	}
	return out
}

// checkURL accepts an https URL, or an http one on a loopback host for tests and local runs.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("must be an absolute URL")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return errors.New("must use https")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clockFunc lets the injected clock stand in for the SDK's.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f().UTC() }
