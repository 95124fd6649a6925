// Package grounding turns the redirect links Gemini's Google Search grounding returns
// (https://vertexaisearch.cloud.google.com/grounding-api-redirect/...) into the addresses of
// the pages they stand for, so emails, webhooks and the API show a link a person can read and
// trust. It reads only the redirect's first answer, its Location header, through the SSRF
// guard: the destination itself is never fetched.
package grounding

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/netguard"
)

// Defaults for Options.
const (
	DefaultHost      = "vertexaisearch.cloud.google.com"
	DefaultTimeout   = 3 * time.Second
	DefaultCacheSize = 4096
	// PathPrefix is the path grounding redirect links share; other links on the same host
	// are left alone.
	PathPrefix = "/grounding-api-redirect/"
	// concurrency bounds how many links one ResolvePages call resolves at once.
	concurrency = 8
)

// ErrUnresolved marks a link that could not be resolved; Link.Err says why.
var ErrUnresolved = errors.New("grounding link not resolved")

// Options tune a Resolver. The zero value takes every default.
type Options struct {
	// Hosts serve grounding redirects (default DefaultHost); tests name their own server.
	Hosts []string
	// Timeout bounds one resolution (default 3s).
	Timeout time.Duration
	// CacheSize is how many resolved links are kept (default 4096); a redirect link always
	// points at the same page, so they are kept until pushed out.
	CacheSize int
	// UserAgent is sent with each request (default "ToraleBot/1.0").
	UserAgent string
}

// Resolver resolves grounding links. It is safe for concurrent use; one per process shares
// its cache.
type Resolver struct {
	opts   Options
	guard  *netguard.Guard
	client *http.Client
	cache  *lru.Cache[string, string]
	flight singleflight.Group
}

// New returns a resolver whose requests go through guard (the production policy: https to
// public addresses; the guard never follows redirects, which is what is wanted here).
func New(guard *netguard.Guard, o Options) *Resolver {
	if len(o.Hosts) == 0 {
		o.Hosts = []string{DefaultHost}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.UserAgent == "" {
		o.UserAgent = "ToraleBot/1.0"
	}
	cache, err := lru.New[string, string](o.CacheSize)
	if err != nil {
		panic(fmt.Sprintf("grounding cache of %d: %v", o.CacheSize, err)) // made positive above
	}
	return &Resolver{opts: o, guard: guard, client: guard.Client(), cache: cache}
}

// Link is a source's address for people.
type Link struct {
	// URL is the page's own address when resolved, else the link as given.
	URL string
	// Host names the site: the destination's host when resolved; otherwise the site the
	// source's title names (grounding titles are usually the site's domain), or the link's
	// own host, so a reader of a fallback link sees whose it is.
	Host string
	// Redirect is the grounding link URL came from; empty when the link was no redirect.
	Redirect string
	// Resolved says URL is the destination read from the redirect.
	Resolved bool
	// Err says why a redirect link could not be resolved (matches ErrUnresolved).
	Err error
}

// IsRedirect reports whether raw is a grounding redirect link this resolver resolves.
func (r *Resolver) IsRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !strings.HasPrefix(u.Path, PathPrefix) {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range r.opts.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// Resolve resolves raw if it is a grounding redirect; title is the source's title, used to
// name the site when resolution fails. A link that is no redirect comes back as it is.
func (r *Resolver) Resolve(ctx context.Context, raw, title string) Link {
	if !r.IsRedirect(raw) {
		return Link{URL: raw, Host: hostOf(raw)}
	}
	dest, err := r.destination(ctx, raw)
	if err != nil {
		return Link{URL: raw, Host: fallbackHost(raw, title), Redirect: raw,
			Err: fmt.Errorf("%w: %s: %w", ErrUnresolved, hostOf(raw), err)}
	}
	return Link{URL: dest, Host: hostOf(dest), Redirect: raw, Resolved: true}
}

// ResolvePages resolves each page's URL, a few at a time, within ctx; the links are in the
// pages' order.
func (r *Resolver) ResolvePages(ctx context.Context, pages []search.Page) []Link {
	out := make([]Link, len(pages))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = r.Resolve(ctx, p.URL, p.Title)
		})
	}
	wg.Wait()
	return out
}
