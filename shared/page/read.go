package page

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"

	"github.com/torale-ai/torale/shared/pageurl"
)

// Read reads one page within the Reader's per-page timeout (and ctx's deadline, if sooner).
// Errors match one of the Err kinds of this package, or netguard.ErrRefused, and read well to
// the user; the Page carries what was learnt before a failure (URL, redirects, time).
func (r *Reader) Read(ctx context.Context, req Request) (Page, error) {
	start := r.opts.Now()
	pageCtx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	p := Page{URL: req.URL}
	err := r.read(pageCtx, req, &p)
	p.Elapsed = r.opts.Now().Sub(start)
	switch {
	case err == nil || !isTimeout(pageCtx, err):
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = errorf(ErrTimeout, "the run's deadline passed before the page answered")
	default:
		err = errorf(ErrTimeout, "the page did not answer within %s", r.opts.Timeout)
	}
	return p, err
}

func isTimeout(ctx context.Context, err error) bool {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ParseURL checks that raw can name a page to read: an absolute http or https URL. The guard
// decides later, and again at every hop, whether its host may be reached.
func ParseURL(raw string) (*url.URL, error) {
	u, err := pageurl.Parse(raw)
	if err != nil {
		return nil, errorf(ErrURL, "%s", err.Error())
	}
	return u, nil
}

// ParseSelector checks a CSS selector, for validating a watch before it is stored.
func ParseSelector(s string) (cascadia.SelectorGroup, error) {
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		return nil, errorf(ErrSelector, "%q is not a CSS selector: %v", s, err)
	}
	return g, nil
}

func (r *Reader) read(ctx context.Context, req Request, p *Page) error {
	var sel cascadia.SelectorGroup
	if strings.TrimSpace(req.Selector) != "" {
		var err error
		if sel, err = ParseSelector(req.Selector); err != nil {
			return err
		}
	}
	u, err := ParseURL(req.URL)
	if err != nil {
		return err
	}
	res, u, err := r.follow(ctx, u, req, p)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	p.FinalURL, p.Status = u.String(), res.StatusCode
	p.ETag, p.LastModified = res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	conditional := req.ETag != "" || req.LastModified != ""
	switch {
	case res.StatusCode == http.StatusNotModified && conditional:
		p.NotModified = true
		if p.ETag == "" {
			p.ETag = req.ETag
		}
		if p.LastModified == "" {
			p.LastModified = req.LastModified
		}
		return nil
	case res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNonAuthoritativeInfo:
		return &StatusError{Code: res.StatusCode}
	}
	body, err := r.body(res)
	p.Bytes = int64(len(body))
	if err != nil {
		return err
	}
	mediaType, err := readableType(res.Header.Get("Content-Type"), body)
	if err != nil {
		return err
	}
	p.ContentType = mediaType
	doc, err := extract(body, res.Header.Get("Content-Type"), mediaType, u, sel)
	if err != nil {
		return err
	}
	p.Title = doc.title
	p.Text, p.Truncated = truncateUTF8(doc.text, r.opts.MaxText)
	return nil
}

// follow makes the request and each redirect's, checking robots.txt and the guard at every
// hop, and returns the final response and its URL.
func (r *Reader) follow(ctx context.Context, u *url.URL, req Request, p *Page) (*http.Response, *url.URL, error) {
	for hop := 0; ; hop++ {
		if _, err := r.guard.CheckURL(u.String()); err != nil {
			return nil, u, err
		}
		if err := r.allowed(ctx, u); err != nil {
			return nil, u, err
		}
		res, err := r.get(ctx, u, req)
		if err != nil {
			return nil, u, err
		}
		loc := res.Header.Get("Location")
		if !isRedirect(res.StatusCode) || loc == "" {
			return res, u, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
		res.Body.Close()
		if hop == r.opts.MaxRedirects {
			return nil, u, errorf(ErrRedirects, "the page redirected more than %d times", r.opts.MaxRedirects)
		}
		next, err := u.Parse(loc)
		if err != nil {
			return nil, u, errorf(ErrURL, "the page redirected to %q, which is not a URL", loc)
		}
		if u, err = ParseURL(next.String()); err != nil {
			return nil, next, err
		}
		p.Redirects++
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func (r *Reader) get(ctx context.Context, u *url.URL, req Request) (*http.Response, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errorf(ErrURL, "%q is not a URL", u)
	}
	hr.Header.Set("User-Agent", r.opts.UserAgent)
	hr.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1")
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	res, err := r.client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", u.Redacted(), err)
	}
	return res, nil
}

// body reads at most MaxBytes of the (decompressed) body, refusing a page that is larger.
func (r *Reader) body(res *http.Response) ([]byte, error) {
	tooLarge := errorf(ErrTooLarge, "the page is larger than %s", sizeText(r.opts.MaxBytes))
	if res.ContentLength > r.opts.MaxBytes && res.Header.Get("Content-Encoding") == "" {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, r.opts.MaxBytes+1))
	if err != nil {
		return b, fmt.Errorf("reading the page: %w", err)
	}
	if int64(len(b)) > r.opts.MaxBytes {
		return b[:r.opts.MaxBytes], tooLarge
	}
	return b, nil
}

// readableType returns the page's media type if it is one the reader can turn into text,
// sniffing it when the server does not say.
func readableType(header string, body []byte) (string, error) {
	if strings.TrimSpace(header) == "" {
		header = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return "", errorf(ErrContentType, "the page's content type %q cannot be read", header)
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "text/plain":
		return mt, nil
	}
	return "", errorf(ErrContentType, "the page is %s; only HTML and plain-text pages can be read", mt)
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}
