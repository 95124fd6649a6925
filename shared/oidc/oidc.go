// Package oidc checks the OIDC tokens Google Cloud signs for push requests: Pub/Sub push
// subscriptions delivering run-task messages, and the Cloud Scheduler job that calls the tick.
// A request is accepted only when Google signed its token, for one of our audiences, as one of
// our service accounts, with a verified email.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"google.golang.org/api/idtoken"
)

// TokenValidator checks a token's signature and expiry against Google's published keys;
// *idtoken.Validator is the real one.
type TokenValidator interface {
	Validate(ctx context.Context, token, audience string) (*idtoken.Payload, error)
}

// Config names who may push.
type Config struct {
	// Audiences are the aud claims accepted: the push endpoint URL, or the audience configured
	// on the subscription or job.
	Audiences []string
	// ServiceAccounts are the emails push tokens may be signed as.
	ServiceAccounts []string
	// Validator checks signatures (default: idtoken's, which fetches and caches Google's keys).
	Validator TokenValidator
	Log       *slog.Logger
}

// Verifier authenticates push requests. It is safe for concurrent use.
type Verifier struct {
	validator TokenValidator
	audiences map[string]bool
	accounts  map[string]bool
	log       *slog.Logger
}

// New returns a verifier; it refuses a config that would accept nobody.
func New(ctx context.Context, c Config) (*Verifier, error) {
	if len(c.Audiences) == 0 || len(c.ServiceAccounts) == 0 {
		return nil, errors.New("push authentication needs at least one audience and one service account")
	}
	if c.Validator == nil {
		v, err := idtoken.NewValidator(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating the OIDC token validator: %w", err)
		}
		c.Validator = v
	}
	v := &Verifier{validator: c.Validator, audiences: set(c.Audiences), accounts: set(c.ServiceAccounts), log: c.Log}
	return v, nil
}

func set(list []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range list {
		m[strings.TrimSpace(s)] = true
	}
	return m
}

// Error is a refused request: Status is 401 without a usable token, 403 for a valid token of
// the wrong caller.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// issuers are the iss values Google writes into ID tokens.
var issuers = map[string]bool{"accounts.google.com": true, "https://accounts.google.com": true}

// Verify checks r's bearer token and returns the service account it was signed as.
func (v *Verifier) Verify(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return "", &Error{Status: http.StatusUnauthorized, Reason: "no bearer token"}
	}
	p, err := v.validator.Validate(r.Context(), token, "")
	if err != nil {
		return "", &Error{Status: http.StatusUnauthorized, Reason: "token rejected: " + err.Error()}
	}
	if !issuers[p.Issuer] {
		return "", &Error{Status: http.StatusUnauthorized, Reason: fmt.Sprintf("token issued by %q, not Google", p.Issuer)}
	}
	if !v.audiences[p.Audience] {
		return "", &Error{Status: http.StatusForbidden, Reason: fmt.Sprintf("token audience %q is not ours", p.Audience)}
	}
	email, _ := p.Claims["email"].(string)
	verified, _ := p.Claims["email_verified"].(bool)
	if !verified || !v.accounts[email] {
		return "", &Error{Status: http.StatusForbidden, Reason: fmt.Sprintf("token of %q (verified %t) is not a push service account", email, verified)}
	}
	return email, nil
}

// Wrap answers requests that fail Verify with their status and passes the rest to next.
// The reason is logged, not sent: the caller learns only that it was refused.
func (v *Verifier) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Verify(r); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Status: http.StatusUnauthorized, Reason: err.Error()}
			}
			if v.log != nil {
				v.log.WarnContext(r.Context(), "refused push request", slog.String("path", r.URL.Path),
					slog.Int("status", e.Status), slog.String("reason", e.Reason))
			}
			if e.Status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="torale-push"`)
			}
			http.Error(w, http.StatusText(e.Status), e.Status)
			return
		}
		next.ServeHTTP(w, r)
	})
}
