package grounding

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// destination returns where raw redirects, from the cache or from one request.
func (r *Resolver) destination(ctx context.Context, raw string) (string, error) {
	if dest, ok := r.cache.Get(raw); ok {
		return dest, nil
	}
	// Waiters share one request; each stops waiting when its own context ends, and the
	// request runs on its own timeout so one waiter's cancellation fails no other.
	ch := r.flight.DoChan(raw, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.Timeout)
		defer cancel()
		dest, err := r.firstHop(rctx, raw)
		if err != nil {
			return "", err
		}
		r.cache.Add(raw, dest)
		return dest, nil
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("gave up waiting: %w", ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	}
}

// firstHop asks the redirect service once and reads its Location, without following it.
func (r *Resolver) firstHop(ctx context.Context, raw string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return "", errors.New("not a URL")
	}
	req.Header.Set("User-Agent", r.opts.UserAgent)
	res, err := r.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("no answer within %s", r.opts.Timeout)
		}
		return "", err
	}
	res.Body.Close() // the body is never read: only the header matters
	loc := res.Header.Get("Location")
	if res.StatusCode < 300 || res.StatusCode > 399 || loc == "" {
		return "", fmt.Errorf("answered HTTP %d without a redirect", res.StatusCode)
	}
	base, _ := url.Parse(raw)
	dest, err := base.Parse(loc)
	if err != nil || (dest.Scheme != "http" && dest.Scheme != "https") || dest.Host == "" || dest.User != nil {
		return "", fmt.Errorf("redirected to %q, which is not a web page's address", loc)
	}
	if r.IsRedirect(dest.String()) {
		return "", errors.New("redirected to another grounding link")
	}
	return dest.String(), nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// fallbackHost names the site of a link that stayed a redirect: the title when it is a domain
// name (Gemini titles grounding sources with the site's domain), else the redirect's host.
func fallbackHost(raw, title string) string {
	t := strings.ToLower(strings.TrimSpace(title))
	if looksLikeDomain(t) {
		return strings.TrimPrefix(t, "www.")
	}
	return hostOf(raw)
}

func looksLikeDomain(s string) bool {
	if len(s) < 4 || len(s) > 253 || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '-' {
			return false
		}
	}
	return true
}
