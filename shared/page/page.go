// Package page reads web pages for the agent: the pages a watch lists, and in deep runs the
// pages a search found. A read goes through the SSRF guard (netguard) at every redirect hop,
// honours robots.txt for Torale's product token, is capped in size and time, sends the
// previous read's validators so an unchanged page answers 304 and costs almost nothing, and
// returns the page's readable text (Mozilla's Readability algorithm, via
// codeberg.org/readeck/go-readability) or the part a CSS selector picks. Page text is written
// by strangers: it reaches a model only as a fenced, numbered source (see Page.Source).
package page

import (
	"net/http"
	"time"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/pageurl"
)

// Defaults for Options; each is the figure the watches issue sets.
const (
	DefaultAgent        = "ToraleBot"
	DefaultUserAgent    = "ToraleBot/1.0 (+https://github.com/torale-ai/torale)"
	DefaultMaxBytes     = 2 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 5
	DefaultRobotsTTL    = time.Hour
	DefaultRobotsHosts  = 1024
	DefaultMaxText      = 256 << 10
	// MaxPages is how many pages one run may read (ReadAll refuses more).
	MaxPages = pageurl.MaxPages
)

// Options tune a Reader. The zero value takes every default.
type Options struct {
	// Agent is the product token matched against robots.txt user-agent lines (default
	// "ToraleBot"); UserAgent is the header sent with every request and should start with it.
	Agent     string
	UserAgent string
	// MaxBytes caps a page's body after decompression (default 2 MiB); a larger page is
	// refused with ErrTooLarge rather than read in part, so a page never changes just
	// because its tail moved past the cap.
	MaxBytes int64
	// Timeout bounds one page's read, its robots.txt and redirects included (default 10s).
	// The guard's own Timeout must not be shorter (GuardOptions sets it).
	Timeout time.Duration
	// MaxRedirects is how many redirects a read follows, each re-checked (default 5).
	MaxRedirects int
	// RobotsTTL is how long a site's robots.txt is trusted (default 1h; RFC 9309 asks for no
	// more than 24h); RobotsHosts is how many sites' files are kept (default 1024).
	RobotsTTL   time.Duration
	RobotsHosts int
	// MaxText caps the readable text kept, in bytes (default 256 KiB); Page.Truncated says so.
	MaxText int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Agent == "" {
		o.Agent = DefaultAgent
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.RobotsTTL <= 0 {
		o.RobotsTTL = DefaultRobotsTTL
	}
	if o.RobotsHosts <= 0 {
		o.RobotsHosts = DefaultRobotsHosts
	}
	if o.MaxText <= 0 {
		o.MaxText = DefaultMaxText
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// GuardOptions are the guard settings pages are read with: http as well as https, on the
// ports public sites serve pages from, and private addresses only when allowPrivate is set
// (torale dev turns it on and says so; it is a separate setting from the webhooks' one).
func GuardOptions(allowPrivate bool) netguard.Options {
	return netguard.Options{
		AllowPrivate: allowPrivate,
		AllowHTTP:    true,
		Ports:        []uint16{80, 443, 8080, 8443},
		Timeout:      DefaultTimeout,
	}
}

// Reader reads pages. It is safe for concurrent use and keeps robots.txt files between reads,
// so one Reader should serve a whole process.
type Reader struct {
	opts   Options
	guard  *netguard.Guard
	client *http.Client
	robots *robotsCache
}

// NewReader returns a reader whose every connection goes through guard, which should be built
// from GuardOptions.
func NewReader(guard *netguard.Guard, o Options) *Reader {
	o = o.withDefaults()
	return &Reader{opts: o, guard: guard, client: guard.Client(), robots: newRobotsCache(o)}
}

// Request is one page to read.
type Request struct {
	URL string
	// Selector, when set, is a CSS selector: the text of the elements it matches is read
	// instead of the page's main article (change-mode watches of part of a page).
	Selector string
	// ETag and LastModified are the validators the previous read returned; when either is
	// set the read is conditional and an unchanged page comes back as NotModified.
	ETag         string
	LastModified string
}

// Page is what a read found.
type Page struct {
	// URL is the address asked for; FinalURL is where the redirects ended.
	URL      string
	FinalURL string
	// Status is the final HTTP status (200, or 304 when NotModified).
	Status      int
	ContentType string
	// Title is the page's own title (empty for plain text).
	Title string
	// Text is the readable text, or the selected part's; empty when NotModified, when the
	// caller keeps the text it had.
	Text      string
	Truncated bool
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// NotModified says the page answered 304 to a conditional read: nothing was downloaded.
	NotModified bool
	// Bytes is the body's size as read; Redirects how many were followed; Elapsed the time the
	// read took. A run's trail records them.
	Bytes     int64
	Redirects int
	Elapsed   time.Duration
}

// Source is the page as a numbered source for the decision step, beside the search's own
// pages: its final address, its title (the host when it has none) and its text, which the
// prompt fences as untrusted data and truncates like any snippet.
func (p Page) Source() search.Page {
	u := p.FinalURL
	if u == "" {
		u = p.URL
	}
	title := p.Title
	if title == "" {
		title = hostOf(u)
	}
	return search.Page{URL: u, Title: title, Snippet: p.Text}
}
