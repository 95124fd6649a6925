package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

var page = []byte("<!doctype html><title>Torale</title>" + strings.Repeat("<!-- padding -->", 64))

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":          {Data: page},
		"favicon.svg":         {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		"assets/index-abc.js": {Data: []byte(strings.Repeat("console.log('torale');\n", 100))},
	}
}

// api stands in for the API: it answers every request with a problem+json 404.
var api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"status":404}`)
})

func serve(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func route(d *Dashboard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forAPI(r) {
			api.ServeHTTP(w, r)
			return
		}
		d.ServeHTTP(w, r)
	})
}

func TestClientRoutesGetThePage(t *testing.T) {
	h := route(newDashboard(testFS()))
	for _, p := range []string{"/", "/index.html", "/tasks/4a6e0a4e-3d4b-4a51-9b1a-2f1f5e0e2c11", "/settings", "/tasks/new?q=iphone", "/p/next-iphone-k3j5x7qa", "/explore"} {
		w := serve(h, "GET", p, nil)
		require.Equal(t, http.StatusOK, w.Code, p)
		require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"), p)
		require.Equal(t, "no-cache", w.Header().Get("Cache-Control"), p)
		require.Equal(t, "DENY", w.Header().Get("X-Frame-Options"), p)
		require.Equal(t, page, w.Body.Bytes(), p)
	}
}

func TestAPIPathsKeepTheirProblems(t *testing.T) {
	h := route(newDashboard(testFS()))
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/nothing-here"}, {"GET", "/api"}, {"GET", "/healthz"}, {"GET", "/health"},
		{"POST", "/"}, {"DELETE", "/tasks/1"}, {"PUT", "/assets/index-abc.js"},
	} {
		w := serve(h, c.method, c.path, nil)
		require.Equal(t, http.StatusNotFound, w.Code, c)
		require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), c)
	}
}

func TestMissingFilesAre404s(t *testing.T) {
	h := route(newDashboard(testFS()))
	for _, p := range []string{"/assets/gone-123.js", "/robots.txt", "/favicon.ico"} {
		w := serve(h, "GET", p, nil)
		require.Equal(t, http.StatusNotFound, w.Code, p)
		require.NotContains(t, w.Body.String(), "<title>Torale", p)
	}
}

func TestHashedAssetsAreCachedForAYearAndCompressed(t *testing.T) {
	h := route(newDashboard(testFS()))
	plain := serve(h, "GET", "/assets/index-abc.js", nil)
	require.Equal(t, http.StatusOK, plain.Code)
	require.Equal(t, "public, max-age=31536000, immutable", plain.Header().Get("Cache-Control"))
	require.Contains(t, plain.Header().Get("Content-Type"), "javascript")
	require.Empty(t, plain.Header().Get("Content-Encoding"))

	gz := serve(h, "GET", "/assets/index-abc.js", http.Header{"Accept-Encoding": {"br, gzip"}})
	require.Equal(t, "gzip", gz.Header().Get("Content-Encoding"))
	require.Less(t, gz.Body.Len(), plain.Body.Len()/4)
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, plain.Body.Bytes(), unzipped)
	require.NotEqual(t, plain.Header().Get("ETag"), gz.Header().Get("ETag"), "each encoding has its own tag")

	refused := serve(h, "GET", "/assets/index-abc.js", http.Header{"Accept-Encoding": {"gzip;q=0"}})
	require.Empty(t, refused.Header().Get("Content-Encoding"))

	again := serve(h, "GET", "/assets/index-abc.js", http.Header{"If-None-Match": {plain.Header().Get("ETag")}})
	require.Equal(t, http.StatusNotModified, again.Code)
	require.Zero(t, again.Body.Len())

	icon := serve(h, "HEAD", "/favicon.svg", nil)
	require.Equal(t, http.StatusOK, icon.Code)
	require.Equal(t, "public, max-age=3600", icon.Header().Get("Cache-Control"))
	require.Zero(t, icon.Body.Len())
}

// The embedded build (the real dashboard with -tags dashboard, the fallback page without)
// serves a page at / through the real router.
func TestEmbeddedPage(t *testing.T) {
	w := serve(WithDashboard(api), "GET", "/", nil)
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	if Built {
		require.Contains(t, body, `<div id="root">`)
		require.Regexp(t, `/assets/index-[^"]+\.js`, body)
	} else {
		require.Contains(t, body, "make dev", "the fallback page says how to build the dashboard")
	}
}
