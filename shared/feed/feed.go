// Package feed renders a user's notifications as an Atom feed (RFC 4287) and a JSON Feed
// (version 1.1), for feed readers that follow a watch without an account. The text comes from
// task names and the agent, so it is untrusted: both formats escape it, characters XML cannot
// carry become U+FFFD, and source links that are not http(s) are shown as text.
package feed

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// MaxEntries is the most entries a feed carries.
const MaxEntries = 50

// Feed is one feed: every notification of a user, or of one task.
type Feed struct {
	// ID names the feed for good (it survives token rotation); Title is shown by readers.
	ID    uuid.UUID
	Title string
	// SelfURL is where this feed is fetched; HomeURL where a reader's click on the feed goes.
	SelfURL string
	HomeURL string
	// Updated is when the feed last changed: its newest entry, else when it was made.
	Updated time.Time
	// Entries are newest first.
	Entries []Entry
}

// Entry is one notification.
type Entry struct {
	// ID is the run that notified.
	ID       uuid.UUID
	TaskID   uuid.UUID
	TaskName string
	// URL shows the task in the dashboard.
	URL          string
	Notification string
	Evidence     string
	Sources      []Source
	Published    time.Time
}

// Source is a page the agent grounded the notification on: the run's own source.
type Source = task.Source

// clean makes s text that both formats can carry: invalid UTF-8 and characters XML 1.0 forbids
// (controls other than tab and newlines, surrogates, U+FFFE and U+FFFF) become U+FFFD.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		if r == utf8.RuneError && n == 1 || !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// webURL reports whether u may be a link in the feed: http or https only, so that a hostile
// source cannot become a javascript: link in a reader.
func webURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// title is what an entry is called: the first line of the notification, clipped.
func (e Entry) title() string {
	t := clean(e.Notification)
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	t = outbox.Clip(t, 120)
	if t == "" {
		t = clean(e.TaskName)
	}
	return t
}
