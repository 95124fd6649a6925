package gemini_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/task"
)

// pageServer serves a newsroom page that announces, and a page that fails.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	mux.HandleFunc("/newsroom", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><head><title>Apple Newsroom</title></head><body><article><h1>iPhone 18</h1>
<p>OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026.</p></article></body></html>`))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func reader(allowPrivate bool) *page.Reader {
	return page.NewReader(netguard.New(page.GuardOptions(allowPrivate)), page.Options{})
}

// A page the watch lists is read beside the search and becomes a numbered source: here the
// search finds only a rumour, so the notification cites the read page. A page that fails is
// a sentence in the evidence, not a failed run; a routine run stays one search and one decision.
func TestListedPagesBecomeSources(t *testing.T) {
	srv := pageServer(t)
	f := newAgent(t, model(rumour).Handle, func(c *gemini.Config) { c.Pages = reader(true) })
	in := input()
	in.URLs = []string{srv.URL + "/newsroom", srv.URL + "/gone"}
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	require.True(t, out.Result.Notifies())
	require.Equal(t, []task.Source{{URL: srv.URL + "/newsroom", Title: "Apple Newsroom"}}, out.Result.Sources)
	require.Contains(t, out.Result.Evidence, srv.URL+"/gone could not be read: the page answered HTTP 410.")
	require.Len(t, f.server.Requests(), 2, "one search, one decision")
	decide := f.server.Requests()[1].User
	require.Contains(t, decide, "[2] Apple Newsroom — 127.0.0.1 (a page the watch lists, read just now)")
}

// With private addresses refused (the production setting), a page on loopback is not read, and
// the run says why in plain words and still decides on the search.
func TestListedPageOnAPrivateAddressIsRefusedInWords(t *testing.T) {
	srv := pageServer(t)
	f := newAgent(t, model(rumour).Handle, func(c *gemini.Config) { c.Pages = reader(false) })
	in := input()
	in.URLs = []string{srv.URL + "/newsroom", "http://169.254.169.254/latest/meta-data/"}
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	require.False(t, out.Result.Notifies())
	require.Contains(t, out.Result.Evidence, srv.URL+"/newsroom could not be read: Torale does not read this address")
	require.Contains(t, out.Result.Evidence, "http://169.254.169.254/latest/meta-data/ could not be read: Torale does not read this address")
	require.NotContains(t, f.server.Requests()[1].User, "Apple Newsroom")
}

// The hostile pages, read under the production policy with only the test site let
// through: a redirect to the metadata address, a 5 MiB page and a page that never answers each
// end as a plain sentence in the evidence while the run still decides on the search.
func TestHostilePagesEndInPlainWords(t *testing.T) {
	stop := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	mux.HandleFunc("/metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/computeMetadata/v1/", http.StatusFound)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		// Declared, so the refusal does not race the 300ms read timeout under -race (the
		// streamed case is shared/page's TestPagesOverTheSizeCapAreRefused).
		w.Header().Set("Content-Length", strconv.Itoa(5<<20))
		_, _ = w.Write(make([]byte, 5<<20))
	})
	mux.HandleFunc("/silent", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(stop); srv.Close() })

	addr := netip.MustParseAddrPort(srv.Listener.Addr().String())
	o := page.GuardOptions(false)
	o.Allow, o.Ports = []netip.AddrPort{addr}, append(o.Ports, addr.Port())
	pages := page.NewReader(netguard.New(o), page.Options{Timeout: 300 * time.Millisecond})
	f := newAgent(t, model(rumour).Handle, func(c *gemini.Config) { c.Pages = pages })
	in := input()
	in.URLs = []string{srv.URL + "/metadata", srv.URL + "/huge", srv.URL + "/silent"}
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	ev := out.Result.Evidence
	require.Contains(t, ev, srv.URL+"/metadata could not be read: Torale does not read this address")
	require.Contains(t, ev, srv.URL+"/huge could not be read: the page is larger than 2 MiB.")
	require.Contains(t, ev, srv.URL+"/silent could not be read: the page did not answer within 300ms.")
}
