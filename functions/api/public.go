package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/feed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/watch"
)

// Public watches are read by anyone, without an account, so every answer here is built from
// contract's public types (written out field by field) and nothing else: no task, execution or
// owner type is ever written. A watch made private answers 404 from the next request on, and
// the answers may not be kept by shared caches, so a cache cannot keep it visible.

const publicPath = "/api/v1/public/tasks/"

func publicNotFound() error {
	return &problemError{contract.Problem{Status: http.StatusNotFound,
		Detail: "No public watch has this address; its owner may have made it private."}}
}

// publicTask reads the public watch the {slug} path segment names.
func (a *API) publicTask(r *http.Request) (watch.Public, error) {
	p, err := a.watch.PublicTask(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return watch.Public{}, publicNotFound()
	}
	return p, err
}

// getPublicTask answers GET /public/tasks/{slug}: the watch's definition, state and newest
// results.
func (a *API) getPublicTask(w http.ResponseWriter, r *http.Request, _ store.User) error {
	p, err := a.publicTask(r)
	if err != nil {
		return err
	}
	base := a.feeds.PublicURL + publicPath + p.Task.PublicSlug
	v := contract.PublicTaskView{PublicTask: contract.PublicTaskOf(p.Task), Results: []contract.PublicResult{},
		AtomURL: base + "/feed.atom", JSONURL: base + "/feed.json"}
	for _, e := range p.Results {
		v.Results = append(v.Results, contract.PublicResultOf(e))
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, v)
	return nil
}

// maxPublicQuery bounds Explore's search text.
const maxPublicQuery = 200

// listPublicTasks answers GET /public/tasks?q=&cursor=&limit=: public watches, most recently
// published first, matching q when it is given.
func (a *API) listPublicTasks(w http.ResponseWriter, r *http.Request, _ store.User) error {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(query) > maxPublicQuery || !utf8.ValidString(query) || strings.ContainsRune(query, 0) {
		return badRequest("q must be text of at most 200 characters")
	}
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	var after *store.PublicCursor
	if c := q.Get("cursor"); c != "" {
		if after, err = decodePublicCursor(c); err != nil {
			return badRequest("cursor is not one this API returned; start again without it")
		}
	}
	list, err := a.watch.PublicTasks(r.Context(), query, limit+1, after)
	if err != nil {
		return err
	}
	var next *string
	if len(list) > limit {
		last := list[limit-1]
		c := encodePublicCursor(store.PublicCursor{PublishedAt: *last.PublishedAt, Slug: last.PublicSlug})
		next, list = &c, list[:limit]
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, whole(list, contract.PublicTaskOf, next))
	return nil
}

// pageLimit reads ?limit= as pageParams does; the cursor is the public list's own.
func pageLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		return 0, badRequest("limit must be a whole number from 1 to 200")
	}
	return n, nil
}

func encodePublicCursor(c store.PublicCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.PublishedAt.UTC().Format(time.RFC3339Nano) + "|" + c.Slug))
}

func decodePublicCursor(s string) (*store.PublicCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	at, slug, ok := strings.Cut(string(raw), "|")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || slug == "" {
		return nil, errors.New("malformed cursor")
	}
	return &store.PublicCursor{PublishedAt: t, Slug: slug}, nil
}

// forkPublicTask answers POST /public/tasks/{slug}/fork: a new paused task of the caller's with
// exactly the definition the public view shows (watch.ForkFields), and nothing else.
func (a *API) forkPublicTask(w http.ResponseWriter, r *http.Request, user store.User) error {
	t, err := a.watch.Fork(r.Context(), user.ID, r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return publicNotFound()
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID.String())
	return a.writeTask(w, r, http.StatusCreated, t)
}

func (a *API) publicAtom(w http.ResponseWriter, r *http.Request, _ store.User) error {
	return a.publicFeed(w, r, "atom")
}

func (a *API) publicJSON(w http.ResponseWriter, r *http.Request, _ store.User) error {
	return a.publicFeed(w, r, "json")
}

// publicSpace names the public feeds' and entries' IDs. They are derived from the slug and the
// run, so that they are stable for readers and name no row of the database.
var publicSpace = uuid.MustParse("5b7f3c1e-2d4a-4e8b-9c6f-1a2b3c4d5e6f")

// publicFeed serves a public watch's runs that notified as Atom or a JSON Feed, rendered by
// shared/feed like the owner's private feeds.
func (a *API) publicFeed(w http.ResponseWriter, r *http.Request, format string) error {
	p, err := a.publicTask(r)
	if err != nil {
		return err
	}
	slug := p.Task.PublicSlug
	page := a.feeds.PublicURL + "/p/" + slug
	f := feed.Feed{ID: uuid.NewSHA1(publicSpace, []byte("feed:"+slug)), Title: "Torale: " + p.Task.Name,
		SelfURL: a.feeds.PublicURL + r.URL.EscapedPath(), HomeURL: page, Updated: *p.Task.PublishedAt}
	for _, e := range p.Results {
		if !e.Result.Notifies() {
			continue
		}
		entry := feed.Entry{ID: uuid.NewSHA1(publicSpace, []byte("run:"+slug+":"+e.ID.String())),
			TaskID: uuid.NewSHA1(publicSpace, []byte("task:"+slug)), TaskName: p.Task.Name, URL: page,
			Notification: *e.Result.Notification, Evidence: e.Result.Evidence, Sources: e.Result.Sources, Published: e.CreatedAt}
		if e.FinishedAt != nil {
			entry.Published = *e.FinishedAt
		}
		if len(f.Entries) == 0 || entry.Published.After(f.Updated) {
			f.Updated = entry.Published
		}
		f.Entries = append(f.Entries, entry)
	}
	// Readers revalidate every time, which the validators make cheap, so a watch made private
	// is gone from the next poll on.
	writeFeed(w, r, f, format, "no-cache")
	return nil
}
