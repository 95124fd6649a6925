package page

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// unreachableTTL is how long a robots.txt that answered with a server error keeps its site
// off-limits before it is asked again: short, since the site is probably only having a bad
// minute, but long enough that ten pages of one site make one request.
const unreachableTTL = 5 * time.Minute

// robotsEntry is one site's robots.txt as last fetched.
type robotsEntry struct {
	rules       robotsRules
	unreachable int // the server-error status robots.txt answered, which closes the whole site
	expires     time.Time
}

// robotsCache keeps sites' robots.txt, bounded by count and age, and fetches each site's file
// once however many reads of that site are waiting for it.
type robotsCache struct {
	entries *lru.Cache[string, robotsEntry]
	flight  singleflight.Group
}

func newRobotsCache(o Options) *robotsCache {
	c, err := lru.New[string, robotsEntry](o.RobotsHosts)
	if err != nil {
		panic(fmt.Sprintf("robots cache of %d hosts: %v", o.RobotsHosts, err)) // withDefaults made it positive
	}
	return &robotsCache{entries: c}
}

// allowed says whether robots.txt lets the agent read u, with an error naming the rule if not.
func (r *Reader) allowed(ctx context.Context, u *url.URL) error {
	e, err := r.robotsFor(ctx, u)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if e.unreachable != 0 {
		return &RobotsError{Host: host, Agent: r.opts.Agent, Status: e.unreachable}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	ok, rule := e.rules.check(path)
	if ok {
		return nil
	}
	return &RobotsError{Host: host, Path: path, Agent: r.opts.Agent, Group: e.rules.group, Rule: rule.text}
}

func (r *Reader) robotsFor(ctx context.Context, u *url.URL) (robotsEntry, error) {
	key := u.Scheme + "://" + strings.ToLower(u.Host)
	now := r.opts.Now()
	if e, ok := r.robots.entries.Get(key); ok && now.Before(e.expires) {
		return e, nil
	}
	// The fetch is shared by every read waiting for this site, so one reader's cancellation
	// must not fail the others: it runs on its own timeout, and each waiter stops waiting
	// when its own context ends.
	ch := r.robots.flight.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.Timeout)
		defer cancel()
		e, err := r.fetchRobots(fctx, key)
		if err != nil {
			return robotsEntry{}, err
		}
		r.robots.entries.Add(key, e)
		return e, nil
	})
	select {
	case <-ctx.Done():
		return robotsEntry{}, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return robotsEntry{}, res.Err
		}
		return res.Val.(robotsEntry), nil
	}
}

// fetchRobots fetches origin's robots.txt, following up to MaxRedirects redirects through the
// guard. Per RFC 9309: a 4xx means no rules; a 5xx (or 429) means read nothing for now;
// redirects beyond the limit count as a 404.
func (r *Reader) fetchRobots(ctx context.Context, origin string) (robotsEntry, error) {
	u, err := url.Parse(origin + "/robots.txt")
	if err != nil {
		return robotsEntry{}, errorf(ErrURL, "%q is not a URL", origin)
	}
	now := r.opts.Now()
	for hop := 0; hop <= r.opts.MaxRedirects; hop++ {
		res, err := r.get(ctx, u, Request{})
		if err != nil {
			return robotsEntry{}, fmt.Errorf("robots.txt: %w", err)
		}
		body, readErr := io.ReadAll(io.LimitReader(res.Body, maxRobotsBytes))
		res.Body.Close()
		code := res.StatusCode
		switch {
		case isRedirect(code) && res.Header.Get("Location") != "":
			next, ok := followable(u, res.Header.Get("Location"))
			if !ok {
				return robotsEntry{expires: now.Add(r.opts.RobotsTTL)}, nil // an unreadable redirect is a missing file
			}
			u = next
			continue
		case code >= 200 && code < 300:
			if readErr != nil && !errors.Is(readErr, io.ErrUnexpectedEOF) {
				return robotsEntry{}, fmt.Errorf("reading robots.txt: %w", readErr)
			}
			return robotsEntry{rules: parseRobots(body, r.opts.Agent), expires: now.Add(r.opts.RobotsTTL)}, nil
		case code == http.StatusTooManyRequests || code >= 500:
			return robotsEntry{unreachable: code, expires: now.Add(min(unreachableTTL, r.opts.RobotsTTL))}, nil
		default:
			return robotsEntry{expires: now.Add(r.opts.RobotsTTL)}, nil
		}
	}
	return robotsEntry{expires: now.Add(r.opts.RobotsTTL)}, nil
}

// followable resolves a redirect's Location against u, reporting false when it names no
// http or https URL.
func followable(u *url.URL, loc string) (*url.URL, bool) {
	next, err := u.Parse(loc)
	if err != nil || (next.Scheme != "http" && next.Scheme != "https") {
		return nil, false
	}
	return next, true
}
