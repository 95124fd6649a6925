package page_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
)

// sentinel is a loopback server the guard does not allow; it counts the connections that
// reached it, which must stay zero.
func sentinel(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("internal secret"))
	}))
	srv.Listener = ln
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// Every refusal here runs under the production policy (AllowPrivate off): only the test site's
// own address is let through.
func TestRefusesWhatTheGuardRefuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	internal, hits := sentinel(t)
	_, internalPort, _ := net.SplitHostPort(strings.TrimPrefix(internal, "http://"))
	redirect := func(path, to string) {
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	}
	redirect("/to-metadata", "http://169.254.169.254/computeMetadata/v1/")
	redirect("/to-internal", internal+"/")
	redirect("/to-decimal", "http://2130706433:"+internalPort+"/")
	redirect("/to-file", "file:///etc/passwd")
	s.page("/ok", "text/plain", "fine")
	o := page.GuardOptions(false)
	o.Allow = append(o.Allow, s.addrPort())
	o.Ports = append(o.Ports, s.addrPort().Port(), mustPort(t, internalPort))
	r := page.NewReader(netguard.New(o), page.Options{})

	for _, target := range []string{
		internal + "/",
		"http://localhost:" + internalPort + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://10.0.0.1/",
		"http://[::1]:" + internalPort + "/",
		s.URL + "/to-metadata",
		s.URL + "/to-internal",
		s.URL + "/to-decimal",
	} {
		p, err := r.Read(t.Context(), page.Request{URL: target})
		require.ErrorIs(t, err, netguard.ErrRefused, target)
		var refused *netguard.RefusedError
		require.ErrorAs(t, err, &refused, target)
		require.NotEmpty(t, refused.Reason)
		require.Empty(t, p.Text)
	}
	require.Zero(t, hits.Load(), "no connection reached the internal server")

	p, err := r.Read(t.Context(), page.Request{URL: s.URL + "/to-metadata"})
	require.Error(t, err)
	require.Equal(t, 1, p.Redirects, "the refusal came at the redirect's hop")
	require.Contains(t, err.Error(), "169.254.169.254")

	for _, target := range []string{"ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "example.com/page", s.URL + "/to-file"} {
		_, err := r.Read(t.Context(), page.Request{URL: target})
		require.ErrorIs(t, err, page.ErrURL, target)
	}

	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/ok"})
	require.NoError(t, err, "the allowed site itself is read")
}

func TestAllowPrivateReadsLocalPages(t *testing.T) {
	t.Parallel()
	internal, hits := sentinel(t)
	r := page.NewReader(netguard.New(page.GuardOptions(true)), page.Options{})
	p, err := r.Read(t.Context(), page.Request{URL: internal + "/"})
	require.NoError(t, err)
	require.Equal(t, "internal secret", p.Text)
	require.Positive(t, hits.Load())
}

func TestRedirectsAreCappedAtFive(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n == 0 {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("arrived"))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
	})
	r := newReader(t, page.Options{}, s)
	p, err := r.Read(t.Context(), page.Request{URL: s.URL + "/hop/5"})
	require.NoError(t, err)
	require.Equal(t, 5, p.Redirects)
	require.Equal(t, s.URL+"/hop/0", p.FinalURL)
	require.Equal(t, "arrived", p.Text)

	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/hop/6"})
	require.ErrorIs(t, err, page.ErrRedirects)
	require.Equal(t, "the page redirected more than 5 times", err.Error())
}

func TestPagesOverTheSizeCapAreRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	big := strings.Repeat("<p>filler text</p>\n", 5<<20/19+1) // 5 MiB
	s.page("/declared", "text/html", big)
	s.mux.HandleFunc("/chunked", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for i := 0; i < len(big); i += 64 << 10 {
			_, _ = w.Write([]byte(big[i:min(i+64<<10, len(big))]))
			w.(http.Flusher).Flush()
		}
	})
	r := newReader(t, page.Options{}, s)
	for _, path := range []string{"/declared", "/chunked"} {
		p, err := r.Read(t.Context(), page.Request{URL: s.URL + path})
		require.ErrorIs(t, err, page.ErrTooLarge, path)
		require.Equal(t, "the page is larger than 2 MiB", err.Error())
		require.LessOrEqual(t, p.Bytes, int64(page.DefaultMaxBytes))
	}
}

func TestAPageThatNeverAnswersTimesOut(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.mux.HandleFunc("/hang", func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	r := newReader(t, page.Options{Timeout: 200 * time.Millisecond}, s)
	_, err := r.Read(t.Context(), page.Request{URL: s.URL + "/hang"})
	require.ErrorIs(t, err, page.ErrTimeout)
	require.Equal(t, "the page did not answer within 200ms", err.Error())

	// The run's deadline, when it comes first, is named instead.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err = newReader(t, page.Options{Timeout: time.Minute}, s).Read(ctx, page.Request{URL: s.URL + "/hang"})
	require.ErrorIs(t, err, page.ErrTimeout)
	require.Equal(t, "the run's deadline passed before the page answered", err.Error())
}

func TestLongTextIsCutOnARuneBoundary(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	s.page("/long", "text/plain; charset=utf-8", strings.Repeat("é", 100))
	p, err := newReader(t, page.Options{MaxText: 11}, s).Read(t.Context(), page.Request{URL: s.URL + "/long"})
	require.NoError(t, err)
	require.True(t, p.Truncated)
	require.Equal(t, strings.Repeat("é", 5), p.Text)
}

func mustPort(t *testing.T, s string) uint16 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 16)
	require.NoError(t, err)
	return uint16(n)
}
