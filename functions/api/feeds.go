package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/feed"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
)

// FeedStore is the store side of the feeds.
type FeedStore interface {
	EnsureFeedToken(ctx context.Context, userID uuid.UUID, salt, hash []byte) (store.FeedToken, error)
	RotateFeedToken(ctx context.Context, userID uuid.UUID, salt, hash []byte, now time.Time) (store.FeedToken, error)
	ReadFeed(ctx context.Context, hash []byte, taskID *uuid.UUID, limit int) (store.Feed, error)
}

// Feeds serve each user's notifications as Atom and JSON feeds at URLs holding a token.
type Feeds struct {
	Store FeedStore
	// Keys derive the tokens; without them (no TORALE_NOTIFY_SECRET) no token can be shown or
	// made, and GET /feed answers 503.
	Keys *notifykey.Keys
	// PublicURL (TORALE_PUBLIC_URL) prefixes the feed and task links.
	PublicURL string
}

const feedsPath = "/api/v1/feeds/"

// getFeed shows the user's feed URLs, making the token on first use.
func (a *API) getFeed(w http.ResponseWriter, r *http.Request, user store.User) error {
	if a.feeds.Store == nil || a.feeds.Keys == nil {
		return unavailable("Feeds are not available on this deployment (it has no notify key).")
	}
	salt := notifykey.NewSalt()
	t, err := a.feeds.Store.EnsureFeedToken(r.Context(), user.ID, salt, feed.Hash(feed.Token(a.feeds.Keys, user.ID, salt)))
	if err != nil {
		return err
	}
	if !hmac.Equal(t.Hash, feed.Hash(feed.Token(a.feeds.Keys, user.ID, t.Salt))) {
		// The notify key changed since the token was made: its URLs are dead already, and the
		// URLs this key derives would name nobody. Make a token under this key.
		if t, err = a.feeds.Store.RotateFeedToken(r.Context(), user.ID, salt, feed.Hash(feed.Token(a.feeds.Keys, user.ID, salt)), a.now()); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-store") // the URLs are secrets
	writeJSON(w, http.StatusOK, a.feedURLs(t))
	return nil
}

// rotateFeed gives the user a new feed token; the old URLs answer 404 from now on.
func (a *API) rotateFeed(w http.ResponseWriter, r *http.Request, user store.User) error {
	if a.feeds.Store == nil || a.feeds.Keys == nil {
		return unavailable("Feeds are not available on this deployment (it has no notify key).")
	}
	salt := notifykey.NewSalt()
	t, err := a.feeds.Store.RotateFeedToken(r.Context(), user.ID, salt, feed.Hash(feed.Token(a.feeds.Keys, user.ID, salt)), a.now())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the URLs are secrets
	writeJSON(w, http.StatusOK, a.feedURLs(t))
	return nil
}

func (a *API) feedURLs(t store.FeedToken) contract.FeedURLs {
	base := a.feeds.PublicURL + feedsPath + feed.Token(a.feeds.Keys, t.UserID, t.Salt)
	return contract.FeedURLs{AtomURL: base + ".atom", JSONURL: base + ".json",
		TaskAtomURL: base + "/tasks/{task_id}.atom", TaskJSONURL: base + "/tasks/{task_id}.json", CreatedAt: t.CreatedAt}
}

// userFeed serves every notification of the user the token names: /feeds/{token}.atom|.json.
func (a *API) userFeed(w http.ResponseWriter, r *http.Request, _ store.User) error {
	token, format, ok := splitFeed(r.PathValue("feed"))
	if !ok {
		return feedNotFound()
	}
	return a.serveFeed(w, r, token, format, nil)
}

// taskFeed serves one task's notifications: /feeds/{token}/tasks/{id}.atom|.json.
func (a *API) taskFeed(w http.ResponseWriter, r *http.Request, _ store.User) error {
	id, format, ok := splitFeed(r.PathValue("feed"))
	taskID, err := uuid.Parse(id)
	if !ok || err != nil {
		return feedNotFound()
	}
	return a.serveFeed(w, r, r.PathValue("token"), format, &taskID)
}

// splitFeed splits "name.atom" or "name.json" into the name and the format.
func splitFeed(file string) (name, format string, ok bool) {
	for _, f := range []string{"atom", "json"} {
		if n, found := strings.CutSuffix(file, "."+f); found && n != "" {
			return n, f, true
		}
	}
	return "", "", false
}

func feedNotFound() error {
	return &problemError{contract.Problem{Status: http.StatusNotFound,
		Detail: "No such feed. The link may have been rotated; GET /api/v1/feed shows the current one."}}
}

func (a *API) serveFeed(w http.ResponseWriter, r *http.Request, token, format string, taskID *uuid.UUID) error {
	if a.feeds.Store == nil || !feed.WellFormed(token) {
		return feedNotFound()
	}
	got, err := a.feeds.Store.ReadFeed(r.Context(), feed.Hash(token), taskID, feed.MaxEntries)
	if errors.Is(err, store.ErrNotFound) {
		return feedNotFound()
	} else if err != nil {
		return err
	}
	f := feed.Feed{ID: uuid.NewSHA1(feedSpace, []byte("user:"+got.UserID.String())), Title: "Torale: your notifications",
		SelfURL: a.feeds.PublicURL + r.URL.EscapedPath(), HomeURL: a.feeds.PublicURL + "/", Updated: got.TokenMadeAt}
	if taskID != nil {
		f.ID, f.Title, f.HomeURL = uuid.NewSHA1(feedSpace, []byte("task:"+taskID.String())), "Torale: "+got.TaskName,
			outbox.TaskURL(a.feeds.PublicURL, *taskID)
	}
	for _, n := range got.Entries {
		e := entryOf(n, a.feeds.PublicURL)
		if e.Published.After(f.Updated) || len(f.Entries) == 0 {
			f.Updated = e.Published
		}
		f.Entries = append(f.Entries, e)
	}
	// Readers revalidate every time, which the validators make cheap; the URL is a secret, so
	// shared caches keep nothing.
	w.Header().Set("X-Robots-Tag", "noindex")
	writeFeed(w, r, f, format, "private, no-cache")
	return nil
}

// writeFeed answers with f as Atom, or JSON Feed when format is "json", with validators
// (ETag from the body, Last-Modified from f.Updated) and a 304 to a request that has it.
func writeFeed(w http.ResponseWriter, r *http.Request, f feed.Feed, format, cacheControl string) {
	body, ctype := feed.Atom(f), feed.AtomType
	if format == "json" {
		body, ctype = feed.JSON(f), feed.JSONType
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", f.Updated.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", cacheControl)
	if notModified(r, etag, f.Updated) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// feedSpace names the feeds' IDs, so that they stay the same when the token is rotated.
var feedSpace = uuid.MustParse("0d3c5b0e-7c51-4c2f-9a86-6f1f3f1c2a10")

func entryOf(n store.Notified, publicURL string) feed.Entry {
	e := feed.Entry{ID: n.ID, TaskID: n.TaskID, TaskName: n.TaskName, URL: outbox.TaskURL(publicURL, n.TaskID),
		Published: n.CreatedAt}
	if n.FinishedAt != nil {
		e.Published = *n.FinishedAt
	}
	if res := n.Result; res != nil {
		e.Evidence = res.Evidence
		if res.Notification != nil {
			e.Notification = *res.Notification
		}
		e.Sources = res.Sources
	}
	return e
}

// notModified answers a conditional GET (RFC 9110 13.1): If-None-Match, compared weakly, and
// only when it is absent, If-Modified-Since, to the second.
func notModified(r *http.Request, etag string, updated time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !updated.Truncate(time.Second).After(since)
}
