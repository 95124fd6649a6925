package page_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
)

// site is a loopback web site the reader is allowed to reach under the production policy: its
// one address is in the guard's Allow list, nothing else private is.
type site struct {
	*httptest.Server
	mux        *http.ServeMux
	robots     atomic.Int64 // how many times robots.txt was fetched
	robotsCode atomic.Int64 // when set, robots.txt answers with this status
	robotsTo   atomic.Value // when set, robots.txt redirects to this path
}

func (s *site) robotsRedirect(path string) { s.robotsTo.Store(path) }

func newSite(t *testing.T, robots string) *site {
	t.Helper()
	s := &site{mux: http.NewServeMux()}
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		s.robots.Add(1)
		if to, ok := s.robotsTo.Load().(string); ok {
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		if code := s.robotsCode.Load(); code != 0 {
			w.WriteHeader(int(code))
			return
		}
		if robots == "" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(robots))
	})
	s.Server = httptest.NewServer(s.mux)
	t.Cleanup(s.Close)
	return s
}

func (s *site) page(path, contentType, body string) {
	s.mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(body))
	})
}

func (s *site) addrPort() netip.AddrPort {
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// guardFor is the production page policy (private addresses refused) with the sites' own
// addresses let through, as a test's receivers are.
func guardFor(sites ...*site) *netguard.Guard {
	o := page.GuardOptions(false)
	for _, s := range sites {
		o.Allow = append(o.Allow, s.addrPort())
		o.Ports = append(o.Ports, s.addrPort().Port())
	}
	return netguard.New(o)
}

func newReader(t *testing.T, o page.Options, sites ...*site) *page.Reader {
	t.Helper()
	return page.NewReader(guardFor(sites...), o)
}

const articleHTML = `<!doctype html><html><head><title>Launch day | Example News</title>
<script>var tracking = "SCRIPT-TEXT";</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a> <a href="/x">NAV-LINK</a></nav>
<article><h1>The phone ships on Friday</h1>
<p>The company announced this morning that the new phone will ship on Friday, 12 December, in
every market where it is sold, at a price of 899 dollars for the base model.</p>
<p>Pre-orders open on Tuesday. The company said stock would be limited in the first weeks and
that the larger model follows in January, priced at 1,099 dollars.</p>
<p>Analysts had expected a later date; the supply chain reports of the last month pointed to
the new year, but the company said production had caught up sooner than planned.</p>
</article><footer>FOOTER-TEXT © Example</footer></body></html>`

func TestReadsTheArticleAndItsTitle(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.page("/news", "text/html; charset=utf-8", articleHTML)
	r := newReader(t, page.Options{}, s)

	p, err := r.Read(t.Context(), page.Request{URL: s.URL + "/news#top"})
	require.NoError(t, err)
	require.Equal(t, s.URL+"/news", p.FinalURL, "the fragment is not sent")
	require.Equal(t, http.StatusOK, p.Status)
	require.Equal(t, "text/html", p.ContentType)
	require.Contains(t, p.Title, "Launch day")
	require.Contains(t, p.Text, "ship on Friday, 12 December")
	require.Contains(t, p.Text, "Pre-orders open on Tuesday.")
	require.NotContains(t, p.Text, "SCRIPT-TEXT")
	require.NotContains(t, p.Text, "NAV-LINK", "navigation is not article text")
	require.Positive(t, p.Bytes)

	src := p.Source()
	require.Equal(t, s.URL+"/news", src.URL)
	require.Equal(t, p.Title, src.Title)
	require.Equal(t, p.Text, src.Snippet)
}

func TestShortPageFallsBackToItsVisibleText(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.page("/status", "text/html", `<html><head><title>Status</title></head><body><div id="s">All systems operational</div><script>HIDDEN</script></body></html>`)
	p, err := newReader(t, page.Options{}, s).Read(t.Context(), page.Request{URL: s.URL + "/status"})
	require.NoError(t, err)
	require.Equal(t, "Status", p.Title)
	require.Equal(t, "All systems operational", p.Text)
}

func TestDecodesTheDeclaredCharset(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	// "Café crème" in ISO-8859-1, declared in the header on one page and in <meta> on the other.
	latin1 := "Caf\xe9 cr\xe8me"
	s.page("/header", "text/plain; charset=iso-8859-1", latin1)
	s.page("/meta", "text/html", `<html><head><meta charset="windows-1252"><title>`+latin1+`</title></head><body><p>`+latin1+`</p></body></html>`)
	s.page("/utf8", "text/plain", "\xef\xbb\xbfCafé crème")
	r := newReader(t, page.Options{}, s)
	for _, path := range []string{"/header", "/meta", "/utf8"} {
		p, err := r.Read(t.Context(), page.Request{URL: s.URL + path})
		require.NoError(t, err, path)
		require.Equal(t, "Café crème", p.Text, path)
	}
}

func TestRefusesContentThatIsNotAPage(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.page("/doc.pdf", "application/pdf", "%PDF-1.7")
	s.page("/img", "", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	s.page("/json", "application/json", `{"a":1}`)
	r := newReader(t, page.Options{}, s)
	for path, want := range map[string]string{"/doc.pdf": "application/pdf", "/img": "image/png", "/json": "application/json"} {
		_, err := r.Read(t.Context(), page.Request{URL: s.URL + path})
		require.ErrorIs(t, err, page.ErrContentType, path)
		require.Contains(t, err.Error(), want)
		require.Contains(t, err.Error(), "only HTML and plain-text pages can be read")
	}
}

func TestSelectorPicksPartOfThePage(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.page("/shop", "text/html", `<html><head><title>Shop</title></head><body><div class="p"><span class="price">$899</span></div>
<div class="p"><span class="price">$1,099</span><div class="p">nested</div></div><p>other text</p></body></html>`)
	r := newReader(t, page.Options{}, s)

	p, err := r.Read(t.Context(), page.Request{URL: s.URL + "/shop", Selector: ".price"})
	require.NoError(t, err)
	require.Equal(t, "$899\n\n$1,099", p.Text)
	require.Equal(t, "Shop", p.Title)

	p, err = r.Read(t.Context(), page.Request{URL: s.URL + "/shop", Selector: "div.p"})
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(p.Text, "nested"), "a match inside a match is not read twice")

	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/shop", Selector: "#missing"})
	require.ErrorIs(t, err, page.ErrSelectorNoMatch)

	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/shop", Selector: "div[["})
	require.ErrorIs(t, err, page.ErrSelector)
	require.Contains(t, err.Error(), `"div[[" is not a CSS selector`)
}

func TestConditionalReadOfAnUnchangedPage(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	var full, notModified atomic.Int64
	s.mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("version one"))
	})
	lastMod := "Tue, 01 Dec 2026 00:00:00 GMT"
	s.mux.HandleFunc("/lastmod", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("dated"))
	})
	r := newReader(t, page.Options{}, s)

	first, err := r.Read(t.Context(), page.Request{URL: s.URL + "/etag"})
	require.NoError(t, err)
	require.Equal(t, `"v1"`, first.ETag)
	require.False(t, first.NotModified)

	again, err := r.Read(t.Context(), page.Request{URL: s.URL + "/etag", ETag: first.ETag, LastModified: first.LastModified})
	require.NoError(t, err)
	require.True(t, again.NotModified)
	require.Equal(t, http.StatusNotModified, again.Status)
	require.Equal(t, `"v1"`, again.ETag, "the validator is kept for next time")
	require.Empty(t, again.Text)
	require.Zero(t, again.Bytes)
	require.Equal(t, int64(1), full.Load())
	require.Equal(t, int64(1), notModified.Load())

	first, err = r.Read(t.Context(), page.Request{URL: s.URL + "/lastmod"})
	require.NoError(t, err)
	require.Equal(t, lastMod, first.LastModified)
	again, err = r.Read(t.Context(), page.Request{URL: s.URL + "/lastmod", LastModified: first.LastModified})
	require.NoError(t, err)
	require.True(t, again.NotModified)

	// A 304 nobody asked for is no answer.
	s.mux.HandleFunc("/stray", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) })
	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/stray"})
	require.ErrorIs(t, err, page.ErrStatus)
}

func TestReadAllReadsConcurrentlyAndReportsEachPage(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	// Each page answers only once all three requests have arrived, so the reads must run at
	// once: read one after another, the first would wait until its timeout and fail.
	arrived := make(chan struct{}, 3)
	all := make(chan struct{})
	var n atomic.Int64
	for _, path := range []string{"/a", "/b"} {
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			if n.Add(1) == 3 {
				close(all)
			}
			select {
			case <-all:
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("page " + path))
		})
	}
	s.mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		if n.Add(1) == 3 {
			close(all)
		}
		<-all
		http.NotFound(w, r)
	})
	r := newReader(t, page.Options{Timeout: 30 * time.Second}, s)
	res, err := r.ReadAll(t.Context(), []page.Request{{URL: s.URL + "/a"}, {URL: s.URL + "/gone"}, {URL: s.URL + "/b"}})
	require.NoError(t, err)
	require.Len(t, res, 3)
	require.NoError(t, res[0].Err)
	require.Equal(t, "page /a", res[0].Page.Text)
	require.ErrorIs(t, res[1].Err, page.ErrStatus)
	require.Equal(t, "the page answered HTTP 404", res[1].Err.Error())
	require.NoError(t, res[2].Err)
	require.Equal(t, "page /b", res[2].Page.Text)
	require.Equal(t, int64(1), s.robots.Load(), "robots.txt is fetched once for the site")

	_, err = r.ReadAll(t.Context(), make([]page.Request, page.MaxPages+1))
	require.ErrorIs(t, err, page.ErrTooManyPages)
}

func TestRobotsIsCachedPerSiteForAWhile(t *testing.T) {
	t.Parallel()
	s := newSite(t, "User-agent: *\nDisallow: /private\n")
	s.page("/open", "text/plain", "open")
	clock := clocktest.New(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	r := newReader(t, page.Options{RobotsTTL: time.Hour, Now: clock.Now}, s)
	for range 3 {
		_, err := r.Read(t.Context(), page.Request{URL: s.URL + "/open"})
		require.NoError(t, err)
	}
	require.Equal(t, int64(1), s.robots.Load())
	clock.Set(clock.Now().Add(61 * time.Minute))
	_, err := r.Read(t.Context(), page.Request{URL: s.URL + "/open"})
	require.NoError(t, err)
	require.Equal(t, int64(2), s.robots.Load(), "an old robots.txt is fetched again")
}
