package grounding_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/netguard"
)

// FuzzResolveNonRedirect checks what decides whether a link is fetched: only https links to
// the configured host under the redirect path are; anything else comes back as given, with
// no request made (the guard here would refuse every request, so a request would show as
// an error).
func FuzzResolveNonRedirect(f *testing.F) {
	for _, s := range []string{"https://vertexaisearch.cloud.google.com/grounding-api-redirect/x",
		"https://VERTEXAISEARCH.cloud.google.com/grounding-api-redirect/", "http://vertexaisearch.cloud.google.com/grounding-api-redirect/x",
		"https://vertexaisearch.cloud.google.com.evil/grounding-api-redirect/x", "https://example.com/", "%", ""} {
		f.Add(s, "example.com")
	}
	r := grounding.New(netguard.New(netguard.Options{}), grounding.Options{Hosts: []string{"host.invalid"}})
	f.Fuzz(func(t *testing.T, raw, title string) {
		if r.IsRedirect(raw) {
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "https" || !strings.EqualFold(u.Hostname(), "host.invalid") ||
				!strings.HasPrefix(u.Path, grounding.PathPrefix) {
				t.Fatalf("%q taken for a redirect", raw)
			}
			return
		}
		got := r.Resolve(t.Context(), raw, title)
		if got.URL != raw || got.Err != nil || got.Resolved || got.Redirect != "" {
			t.Fatalf("%q changed: %+v", raw, got)
		}
	})
}
