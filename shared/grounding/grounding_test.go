package grounding_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/netguard"
)

// redirector is a loopback stand-in for the grounding redirect service, speaking TLS like
// the real one. It counts requests per path.
type redirector struct {
	*httptest.Server
	hits  atomic.Int64
	roots *x509.CertPool
}

func newRedirector(t *testing.T, routes map[string]func(http.ResponseWriter, *http.Request)) *redirector {
	t.Helper()
	rd := &redirector{}
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			rd.hits.Add(1)
			h(w, r)
		})
	}
	rd.Server = httptest.NewTLSServer(mux)
	t.Cleanup(rd.Close)
	rd.roots = x509.NewCertPool()
	rd.roots.AddCert(rd.Certificate())
	return rd
}

func (rd *redirector) addr() netip.AddrPort {
	return netip.MustParseAddrPort(rd.Listener.Addr().String())
}

// resolver uses the production policy (AllowPrivate off) with only the redirector let through.
func (rd *redirector) resolver(o grounding.Options) *grounding.Resolver {
	g := netguard.New(netguard.Options{Allow: []netip.AddrPort{rd.addr()}, Ports: []uint16{443, rd.addr().Port()},
		TLSConfig: &tls.Config{RootCAs: rd.roots, MinVersion: tls.VersionTLS12}})
	if o.Hosts == nil {
		o.Hosts = []string{"127.0.0.1"}
	}
	return grounding.New(g, o)
}

func redirectTo(loc string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}
}

func TestResolvesTheFirstHopWithoutFetchingTheDestination(t *testing.T) {
	t.Parallel()
	var destHits atomic.Int64
	dest := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { destHits.Add(1) }))
	t.Cleanup(dest.Close)
	rd := newRedirector(t, map[string]func(http.ResponseWriter, *http.Request){
		"/grounding-api-redirect/abc":  redirectTo("https://www.example.com/news/launch?id=7"),
		"/grounding-api-redirect/dest": redirectTo(dest.URL + "/page"),
		"/grounding-api-redirect/rel":  redirectTo("/elsewhere"),
	})
	r := rd.resolver(grounding.Options{})
	link := rd.URL + "/grounding-api-redirect/abc"
	require.True(t, r.IsRedirect(link))

	got := r.Resolve(t.Context(), link, "example.com")
	require.NoError(t, got.Err)
	require.True(t, got.Resolved)
	require.Equal(t, "https://www.example.com/news/launch?id=7", got.URL)
	require.Equal(t, "example.com", got.Host)
	require.Equal(t, link, got.Redirect)

	again := r.Resolve(t.Context(), link, "")
	require.Equal(t, got.URL, again.URL)
	require.Equal(t, int64(1), rd.hits.Load(), "the second resolution came from the cache")

	got = r.Resolve(t.Context(), rd.URL+"/grounding-api-redirect/dest", "")
	require.NoError(t, got.Err)
	require.Equal(t, dest.URL+"/page", got.URL)
	require.Zero(t, destHits.Load(), "the destination is never fetched")

	got = r.Resolve(t.Context(), rd.URL+"/grounding-api-redirect/rel", "")
	require.NoError(t, got.Err)
	require.Equal(t, rd.URL+"/elsewhere", got.URL, "a relative Location is read against the link")
}

func TestFailuresFallBackToTheLinkWithTheHostNamed(t *testing.T) {
	t.Parallel()
	// The hanging handler never answers while the test runs: returning when the client gives
	// up would write an implicit 200, which a loaded machine can deliver before the timeout.
	release := make(chan struct{})
	rd := newRedirector(t, map[string]func(http.ResponseWriter, *http.Request){
		"/grounding-api-redirect/gone": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) },
		"/grounding-api-redirect/js":   redirectTo("javascript:alert(1)"),
		"/grounding-api-redirect/loop": redirectTo("/grounding-api-redirect/gone"),
		"/grounding-api-redirect/hang": func(http.ResponseWriter, *http.Request) { <-release },
	})
	t.Cleanup(func() { close(release) }) // before the server closes: cleanups run last first
	r := rd.resolver(grounding.Options{Timeout: 200 * time.Millisecond})
	for path, want := range map[string]string{
		"gone": "answered HTTP 404 without a redirect",
		"js":   `redirected to "javascript:alert(1)", which is not a web page's address`,
		"loop": "redirected to another grounding link",
		"hang": "no answer within 200ms",
	} {
		link := rd.URL + "/grounding-api-redirect/" + path
		got := r.Resolve(t.Context(), link, "Reuters.com")
		require.False(t, got.Resolved, path)
		require.Equal(t, link, got.URL, "the redirect link is kept")
		require.Equal(t, "reuters.com", got.Host, "the title names the site")
		require.ErrorIs(t, got.Err, grounding.ErrUnresolved)
		require.Equal(t, "grounding link not resolved: 127.0.0.1: "+want, got.Err.Error())
	}
	got := r.Resolve(t.Context(), rd.URL+"/grounding-api-redirect/gone", "Launch news")
	require.Equal(t, "127.0.0.1", got.Host, "a title that is no domain leaves the link's own host")
	got = r.Resolve(t.Context(), rd.URL+"/grounding-api-redirect/gone", "")
	require.Error(t, got.Err, "failures are not cached")
}

func TestOnlyGroundingLinksAreResolved(t *testing.T) {
	t.Parallel()
	rd := newRedirector(t, map[string]func(http.ResponseWriter, *http.Request){
		"/": redirectTo("https://example.com/"),
	})
	r := rd.resolver(grounding.Options{})
	for _, raw := range []string{"https://example.com/grounding-api-redirect/x", rd.URL + "/other", "http://127.0.0.1/grounding-api-redirect/x", "not a url"} {
		got := r.Resolve(t.Context(), raw, "t")
		require.Equal(t, raw, got.URL)
		require.Empty(t, got.Redirect)
		require.NoError(t, got.Err)
	}
	require.Zero(t, rd.hits.Load())
	require.True(t, grounding.New(netguard.New(netguard.Options{}), grounding.Options{}).
		IsRedirect("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQ"), "the default host")
}

func TestTheGuardStillDecides(t *testing.T) {
	t.Parallel()
	rd := newRedirector(t, map[string]func(http.ResponseWriter, *http.Request){
		"/grounding-api-redirect/x": redirectTo("https://example.com/"),
	})
	// The redirect host is configured but the guard does not let its address through.
	r := grounding.New(netguard.New(netguard.Options{}), grounding.Options{Hosts: []string{"127.0.0.1"}})
	got := r.Resolve(t.Context(), rd.URL+"/grounding-api-redirect/x", "example.com")
	require.ErrorIs(t, got.Err, netguard.ErrRefused)
	require.Equal(t, "example.com", got.Host)
	require.Zero(t, rd.hits.Load())
}

func TestResolvePagesKeepsOrder(t *testing.T) {
	t.Parallel()
	rd := newRedirector(t, map[string]func(http.ResponseWriter, *http.Request){
		"/grounding-api-redirect/1": redirectTo("https://one.example/"),
		"/grounding-api-redirect/2": redirectTo("https://two.example/"),
	})
	r := rd.resolver(grounding.Options{})
	links := r.ResolvePages(t.Context(), []search.Page{
		{URL: rd.URL + "/grounding-api-redirect/1"}, {URL: "https://plain.example/"},
		{URL: rd.URL + "/grounding-api-redirect/2"}, {URL: rd.URL + "/grounding-api-redirect/1"},
	})
	require.Equal(t, []string{"https://one.example/", "https://plain.example/", "https://two.example/", "https://one.example/"},
		[]string{links[0].URL, links[1].URL, links[2].URL, links[3].URL})
}
