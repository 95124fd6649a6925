package oidc_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/api/idtoken"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/oidc"
)

// googleKeys stands in for https://www.googleapis.com/oauth2/v3/certs: the real idtoken
// validator fetches its keys through this transport, so the signatures are really checked.
type googleKeys struct {
	key *rsa.PrivateKey
	kid string
}

func (g googleKeys) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "www.googleapis.com" || r.URL.Path != "/oauth2/v3/certs" {
		return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Request: r}, nil
	}
	enc := base64.RawURLEncoding
	body, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": g.kid,
		"n": enc.EncodeToString(g.key.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(g.key.E)).Bytes()),
	}}})
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = rec.Write(body)
	res := rec.Result()
	res.Request = r
	return res, nil
}

func sign(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	c, _ := json.Marshal(claims)
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return input + "." + enc.EncodeToString(sig)
}

func TestPushTokensAreCheckedForSignerAudienceAndAccount(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keys := googleKeys{key: key, kid: "k1"}
	validator, err := idtoken.NewValidator(context.Background(), idtoken.WithHTTPClient(&http.Client{Transport: keys}))
	require.NoError(t, err)
	const aud, sa = "https://runtask.example.run.app/", "pubsub-push@proj.iam.gserviceaccount.com"
	v, err := oidc.New(context.Background(), oidc.Config{Audiences: []string{aud}, ServiceAccounts: []string{sa},
		Validator: validator, Log: logging.Discard()})
	require.NoError(t, err)
	h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))

	now := time.Now().Unix()
	good := map[string]any{"iss": "https://accounts.google.com", "aud": aud, "email": sa, "email_verified": true,
		"sub": "1234", "iat": now, "exp": now + 3600}
	with := func(k string, val any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = val
		return c
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		header string
		want   int
	}{
		{"valid token", "Bearer " + sign(t, key, "k1", good), http.StatusNoContent},
		{"no token", "", http.StatusUnauthorized},
		{"not bearer", "Basic Zm9vOmJhcg==", http.StatusUnauthorized},
		{"garbage", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"signed by someone else", "Bearer " + sign(t, other, "k1", good), http.StatusUnauthorized},
		{"unknown key id", "Bearer " + sign(t, key, "k2", good), http.StatusUnauthorized},
		{"expired", "Bearer " + sign(t, key, "k1", with("exp", now-10)), http.StatusUnauthorized},
		{"other issuer", "Bearer " + sign(t, key, "k1", with("iss", "https://evil.example")), http.StatusUnauthorized},
		{"other audience", "Bearer " + sign(t, key, "k1", with("aud", "https://other.run.app/")), http.StatusForbidden},
		{"other account", "Bearer " + sign(t, key, "k1", with("email", "someone@proj.iam.gserviceaccount.com")), http.StatusForbidden},
		{"unverified email", "Bearer " + sign(t, key, "k1", with("email_verified", false)), http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/projects/proj/topics/run-task", strings.NewReader("{}"))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tc.want, rec.Code)
			require.NotContains(t, rec.Body.String(), "audience", "the reason is logged, not sent")
		})
	}
}

func TestConfigThatAcceptsNobodyIsRefused(t *testing.T) {
	_, err := oidc.New(context.Background(), oidc.Config{Audiences: []string{"a"}})
	require.Error(t, err)
}
