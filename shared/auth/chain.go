package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/torale-ai/torale/shared/store"
)

// authError is a rejected credential. Its text is shown to the caller, so it is short and
// never echoes the credential; errors.Is(err, ErrUnauthenticated) holds for every one.
type authError string

func (e authError) Error() string { return string(e) }

func (e authError) Is(target error) bool { return target == ErrUnauthenticated }

const (
	errNoCredentials   authError = "send Authorization: Bearer <token>"
	errNotBearer       authError = "use Authorization: Bearer <token>"
	errManyHeaders     authError = "send a single Authorization header"
	errNoSessions      authError = "session tokens are not accepted by this deployment"
	errNoAPIKeys       authError = "API keys are not accepted by this deployment"
	errMalformedAPIKey authError = "malformed API key"
	errUnknownAPIKey   authError = "unknown or revoked API key, or a deactivated account"
	errDeactivated     authError = "this account is deactivated; contact the administrators"
	errInvalidSession  authError = "invalid or expired session token"
)

// errUnavailable means a credential could not be checked because a dependency failed; the
// cause is logged, never shown. It is not an ErrUnauthenticated: the caller did nothing wrong.
var errUnavailable = errors.New("credentials cannot be checked right now; try again shortly")

// Chain sends each request to the authenticator its credential is for: an API key
// (Bearer tor_...) to APIKeys, any other bearer token to Clerk, and a request without an
// Authorization header to Dev. Routing happens here because Dev refuses every token.
type Chain struct {
	// APIKeys checks Bearer tor_... keys; nil refuses them.
	APIKeys *APIKeys
	// Clerk checks session tokens; nil refuses them.
	Clerk *Clerk
	// Dev serves requests without credentials on the local platform; nil refuses them.
	Dev *Dev
}

// Authenticate returns the caller the request's credential names.
func (c *Chain) Authenticate(r *http.Request) (store.User, error) {
	if len(r.Header.Values("Authorization")) == 0 && c.Dev != nil {
		return c.Dev.Authenticate(r)
	}
	token, err := bearerToken(r)
	switch {
	case err != nil:
		return store.User{}, err
	case strings.HasPrefix(token, APIKeyPrefix):
		if c.APIKeys == nil {
			return store.User{}, errNoAPIKeys
		}
		return c.APIKeys.Authenticate(r)
	case c.Clerk == nil:
		return store.User{}, errNoSessions
	default:
		return c.Clerk.Authenticate(r)
	}
}

// bearerToken returns the request's bearer token, or an error to show the caller.
func bearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", errNoCredentials
	case len(values) > 1:
		return "", errManyHeaders
	}
	token, ok := parseBearer(values[0])
	if !ok {
		return "", errNotBearer
	}
	return token, nil
}

// parseBearer reads an Authorization value of the form "Bearer <token>"; the scheme is
// case-insensitive (RFC 9110) and the token is a single word.
func parseBearer(value string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// RequestAPIKey returns the hash of the API key the request carries as its one bearer
// credential, for a read that authenticates it in its own statement (store.ListTaskViewsByKey);
// ok is false for any other request, which Authenticate handles.
func RequestAPIKey(r *http.Request) (hash []byte, ok bool) {
	token, err := bearerToken(r)
	if err != nil || !strings.HasPrefix(token, APIKeyPrefix) {
		return nil, false
	}
	hash, err = ParseAPIKey(token)
	return hash, err == nil
}
