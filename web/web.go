// Package web serves the dashboard from the API's own origin, so links in notifications
// (/tasks/<id>), the unsubscribe endpoint and Clerk's authorized party share one origin with
// the API, and the page needs no CORS.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// WithDashboard routes a request to the dashboard when it is a page or a file of it, and to
// api otherwise: every path under /api/, the health routes, and every method but GET and HEAD,
// so the API keeps its problem+json answers (404, 405) there.
func WithDashboard(api http.Handler) http.Handler {
	d := New()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forAPI(r) {
			api.ServeHTTP(w, r)
			return
		}
		d.ServeHTTP(w, r)
	})
}

func forAPI(r *http.Request) bool {
	p := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return true
	}
	return p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/health"
}

// Dashboard serves the built single-page app: its files, and index.html for client routes.
type Dashboard struct {
	fsys fs.FS
	// cache holds each file once read and compressed: files are read on first request, not at
	// start, so a function that never serves the page pays nothing for it.
	mu    sync.Mutex
	cache map[string]*asset
}

// New returns the dashboard embedded in this binary.
func New() *Dashboard {
	sub, err := fs.Sub(files, root)
	if err != nil {
		panic(err) // the embed directive guarantees root exists
	}
	return newDashboard(sub)
}

func newDashboard(fsys fs.FS) *Dashboard {
	return &Dashboard{fsys: fsys, cache: map[string]*asset{}}
}

type asset struct {
	body, gz []byte
	etag     string
	ctype    string
}

// Cache lifetimes: hashed files under assets/ never change under one name; index.html names
// the current ones, so browsers check it every time; other root files (the icon) an hour.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cachePage      = "no-cache"
	cacheOther     = "public, max-age=3600"
)

func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	cache := cacheOther
	switch {
	case name == "" || name == "index.html":
		name, cache = "index.html", cachePage
	case strings.HasPrefix(name, "assets/"):
		cache = cacheImmutable
	}
	a := d.load(name)
	if a == nil {
		// A path with an extension names a file, and a missing file is a 404; any other path
		// is a page of the app, whose router draws it (or its own not-found page).
		if path.Ext(name) != "" {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		name, cache = "index.html", cachePage
		if a = d.load(name); a == nil {
			http.Error(w, "the dashboard is missing from this build", http.StatusInternalServerError)
			return
		}
	}
	h := w.Header()
	h.Set("Cache-Control", cache)
	h.Set("Content-Type", a.ctype)
	body, etag := a.body, a.etag
	if a.gz != nil && acceptsGzip(r) {
		// Each encoding is its own representation, with its own tag.
		h.Set("Content-Encoding", "gzip")
		body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
	}
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if cache == cachePage {
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func (d *Dashboard) load(name string) *asset {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.cache[name]; ok {
		return a
	}
	body, err := fs.ReadFile(d.fsys, name)
	if err != nil {
		return nil // not cached: a miss is cheap, and caching misses would let a scan grow the map
	}
	sum := sha256.Sum256(body)
	a := &asset{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	a.ctype = mime.TypeByExtension(path.Ext(name))
	if a.ctype == "" {
		a.ctype = http.DetectContentType(body)
	}
	if compressible(a.ctype) && len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		a.gz = buf.Bytes()
	}
	d.cache[name] = a
	return a
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
