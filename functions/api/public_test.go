package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// publicViewFields is every JSON field the public view of a watch may carry, nested fields as
// parent.child. A field added to the view fails this test until it is added here, by someone
// who has decided it is not private: never the owner, their addresses, channels, webhooks,
// context, pages, costs or any row's id.
var publicViewFields = []string{
	"atom_url", "condition_description", "json_url", "name", "published_at", "results",
	"results.created_at", "results.evidence", "results.finished_at", "results.notification", "results.sources",
	"results.sources.title", "results.sources.url", "schedule", "search_query", "slug", "state", "timezone",
}

// publicListFields is every field of an Explore entry.
var publicListFields = []string{"condition_description", "name", "published_at", "schedule", "search_query", "slug", "state", "timezone"}

// jsonPaths lists the JSON fields a type writes, embedded structs flattened, slices entered.
func jsonPaths(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonPaths(f.Type, prefix)...)
			continue
		}
		out = append(out, prefix+name)
		out = append(out, jsonPaths(f.Type, prefix+name+".")...)
	}
	sort.Strings(out)
	return out
}

func TestPublicViewCarriesOnlyItsListedFields(t *testing.T) {
	require.Equal(t, publicViewFields, jsonPaths(reflect.TypeFor[contract.PublicTaskView](), ""))
	require.Equal(t, publicListFields, jsonPaths(reflect.TypeFor[contract.PublicTask](), ""))
}

// bodyPaths lists the JSON fields present in a decoded body, as jsonPaths does.
func bodyPaths(v any, prefix string, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			into[prefix+k] = true
			bodyPaths(c, prefix+k+".", into)
		}
	case []any:
		for _, c := range x {
			bodyPaths(c, prefix, into)
		}
	}
}

func getRaw(t *testing.T, url string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header, string(body)
}

func TestPublicWatch(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	bob := b.client(t, client.WithDevUser("bob"))
	anyone := b.client(t)
	b.verifyEmail(t, "alice", "alice@example.com")
	secretContext := "I already own the 15 Pro, context-7d1e"
	tk, err := alice.CreateTask(ctx, contract.TaskInput{Name: "Next iPhone launch", SearchQuery: "next iPhone release date",
		ConditionDescription: "Apple announced the date", Schedule: "0 9 * * *", Timezone: "Europe/London", Depth: task.DepthDeep,
		NotifyBehavior: task.NotifyAlways, Context: secretContext, URLs: []string{"https://www.apple.com/?token=page-secret-9c2"},
		Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "alice@example.com"}}})
	require.NoError(t, err)
	require.False(t, tk.Public)
	require.Nil(t, tk.PublicSlug)

	// A watch that reads pages its owner named is never public: its results name those pages.
	p := requireProblem(t, errOf(alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true), PublicContextOK: ptr(true)})),
		http.StatusConflict)
	require.Contains(t, p.Detail, "urls")
	_, err = alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{URLs: &[]string{}})
	require.NoError(t, err)

	// A run from before it was published stays private.
	me, err := alice.Me(ctx)
	require.NoError(t, err)
	notifiedRun(t, b.store, me.ID, tk.ID, "written while private, pre-publish-5e1")

	// A watch with a context is published only with the owner's confirmation.
	p = requireProblem(t, errOf(alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true)})), http.StatusConflict)
	require.Contains(t, p.Detail, "public_context_ok")
	got, err := alice.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.False(t, got.Public, "a refused publish stores nothing")
	pub, err := alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true), PublicContextOK: ptr(true)})
	require.NoError(t, err)
	require.True(t, pub.Public)
	require.True(t, pub.PublicContextOK)
	require.NotNil(t, pub.PublishedAt)
	slug := *pub.PublicSlug
	require.Regexp(t, `^next-iphone-launch-[a-z2-7]{8}$`, slug)

	run := notifiedRun(t, b.store, me.ID, tk.ID, "Apple set the date: 9 September.")
	conn, err := pgx.Connect(ctx, b.dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `UPDATE executions SET cost_usd = 0.4242, model = 'gemini-secret-model' WHERE id = $1`, run.ID)
	require.NoError(t, err)

	// Anyone reads it, and it carries nothing private.
	status, _, raw := getRaw(t, b.srv.URL+"/api/v1/public/tasks/"+slug, nil)
	require.Equal(t, http.StatusOK, status, raw)
	for _, private := range []string{secretContext, "alice", tk.ID.String(), run.ID.String(), me.ID.String(), "page-secret-9c2",
		"0.4242", "gemini-secret-model", "deep", "email", "cost", "pre-publish-5e1"} {
		require.NotContains(t, raw, private)
	}
	var body any
	require.NoError(t, json.Unmarshal([]byte(raw), &body))
	seen := map[string]bool{}
	bodyPaths(body, "", seen)
	for f := range seen {
		require.Contains(t, publicViewFields, f, "the public view carries %q, which publicViewFields does not list", f)
	}
	view, err := anyone.PublicTask(ctx, slug)
	require.NoError(t, err)
	require.Equal(t, "Next iPhone launch", view.Name)
	require.Equal(t, "next iPhone release date", view.SearchQuery)
	require.Equal(t, "0 9 * * *", view.Schedule)
	require.Len(t, view.Results, 1)
	require.Equal(t, "Apple set the date: 9 September.", *view.Results[0].Notification)
	require.Equal(t, feedPublicURL+"/api/v1/public/tasks/"+slug+"/feed.atom", view.AtomURL)

	// Its feeds are shared/feed's, with ids that name no row.
	for _, format := range []string{"atom", "json"} {
		status, h, feedBody := getRaw(t, b.srv.URL+"/api/v1/public/tasks/"+slug+"/feed."+format, nil)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, feedBody, "Apple set the date: 9 September.")
		for _, private := range []string{secretContext, tk.ID.String(), run.ID.String(), me.ID.String()} {
			require.NotContains(t, feedBody, private)
		}
		status, _, _ = getRaw(t, b.srv.URL+"/api/v1/public/tasks/"+slug+"/feed."+format, http.Header{"If-None-Match": {h.Get("ETag")}})
		require.Equal(t, http.StatusNotModified, status)
	}

	// Changing a public watch's context takes a fresh confirmation.
	requireStatus(t, errOf(alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Context: ptr("new background")})), http.StatusConflict)
	_, err = alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Context: ptr("new background"), PublicContextOK: ptr(true)})
	require.NoError(t, err)

	// A fork copies exactly what the public view shows, paused, and nothing else.
	stranger := b.client(t, client.WithToken("tor_notakey"))
	requireStatus(t, errOf(stranger.ForkPublicTask(ctx, slug)), http.StatusUnauthorized)
	fork, err := bob.ForkPublicTask(ctx, slug)
	require.NoError(t, err)
	require.Equal(t, task.StatePaused, fork.State)
	require.Equal(t, view.Name, fork.Name)
	require.Equal(t, view.SearchQuery, fork.SearchQuery)
	require.Equal(t, view.ConditionDescription, fork.ConditionDescription)
	require.Equal(t, view.Schedule, fork.Schedule)
	require.Equal(t, view.Timezone, fork.Timezone)
	require.Empty(t, fork.Notifications)
	require.Empty(t, fork.URLs)
	require.Empty(t, fork.Context)
	require.Equal(t, task.DepthRoutine, fork.Depth)
	require.Equal(t, task.NotifyOnce, fork.NotifyBehavior)
	require.Equal(t, task.ModeAgent, fork.Mode)
	require.False(t, fork.Public)
	require.Nil(t, fork.PublicSlug)
	require.Nil(t, fork.LastExecution)
	runs, err := bob.ListExecutions(ctx, fork.ID, client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, runs.Data)

	// Private again: every public route answers 404 at once, and the slug is kept for later.
	hidden, err := alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(false)})
	require.NoError(t, err)
	require.False(t, hidden.Public)
	for _, path := range []string{"", "/feed.atom", "/feed.json"} {
		status, _, _ := getRaw(t, b.srv.URL+"/api/v1/public/tasks/"+slug+path, nil)
		require.Equal(t, http.StatusNotFound, status, path)
	}
	requireStatus(t, errOf(bob.ForkPublicTask(ctx, slug)), http.StatusNotFound)
	list, err := anyone.ListPublicTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, list.Data)
	requireStatus(t, errOf(alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true)})), http.StatusConflict) // each publish confirms anew
	again, err := alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true), PublicContextOK: ptr(true)})
	require.NoError(t, err)
	require.Equal(t, slug, *again.PublicSlug)
}

func errOf[T any](_ T, err error) error { return err }

func TestExploreSearchesAndPages(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	anyone := b.client(t)
	publish := func(name, query string) string {
		tk, err := alice.CreateTask(ctx, contract.TaskInput{Name: name, SearchQuery: query})
		require.NoError(t, err)
		v, err := alice.UpdateTask(ctx, tk.ID, contract.TaskPatch{Public: ptr(true)})
		require.NoError(t, err)
		return *v.PublicSlug
	}
	gpu := publish("GPU prices", "graphics card price drops")
	launch := publish("Console launch", "new game console launches")
	third := publish("Rate decision", "Federal Reserve interest rates")
	_, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: "private graphics card watch"})
	require.NoError(t, err)

	found, err := anyone.ListPublicTasks(ctx, "graphics cards", client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, found.Data, 1, "stemmed search finds the public watch only")
	require.Equal(t, gpu, found.Data[0].Slug)
	found, err = anyone.ListPublicTasks(ctx, "launch", client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, found.Data, 1)
	require.Equal(t, launch, found.Data[0].Slug)

	var slugs []string
	opts := client.PageOptions{Limit: 2}
	for {
		page, err := anyone.ListPublicTasks(ctx, "", opts)
		require.NoError(t, err)
		for _, p := range page.Data {
			slugs = append(slugs, p.Slug)
		}
		if page.NextCursor == nil {
			break
		}
		require.NotContains(t, *page.NextCursor, "-", "the cursor is opaque")
		opts.Cursor = *page.NextCursor
	}
	require.Equal(t, []string{third, launch, gpu}, slugs)

	status, _, _ := getRaw(t, b.srv.URL+"/api/v1/public/tasks?cursor=bogus", nil)
	require.Equal(t, http.StatusBadRequest, status)
	status, _, _ = getRaw(t, b.srv.URL+"/api/v1/public/tasks?q="+strings.Repeat("x", 201), nil)
	require.Equal(t, http.StatusBadRequest, status)
}

// The public routes and the feeds are limited per client address: on Cloud Run the right-most
// X-Forwarded-For hop (Google's front end adds it; anything left of it is the client's own
// writing), elsewhere the connection's address, whatever the header says.
func TestPublicRoutesAreLimitedPerClientAddress(t *testing.T) {
	for _, behindGoogle := range []bool{true, false} {
		s := storetest.New(t)
		w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Rules: task.DefaultRules(), Log: logging.Discard()})
		limits := api.DefaultLimits()
		limits.Public = api.Limit{Every: time.Hour, Burst: 2}
		limits.Feed = api.Limit{Every: time.Hour, Burst: 1}
		a := api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: logging.Discard(), Limits: limits, Buckets: s,
			Auth: &auth.Chain{Dev: auth.NewDev(s)}, BehindGoogleFrontEnd: behindGoogle, Feeds: api.Feeds{Store: s}})
		call := func(path, xff string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", path, nil) // from 192.0.2.1
			if xff != "" {
				req.Header.Set("X-Forwarded-For", xff)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			return rec
		}
		list, feedPath := "/api/v1/public/tasks", "/api/v1/feeds/nosuchtoken.atom"
		require.Equal(t, http.StatusOK, call(list, "203.0.113.9, 198.51.100.1").Code)
		require.Equal(t, http.StatusOK, call(list, "203.0.113.8, 198.51.100.1").Code)
		limited := call(list, "203.0.113.7, 198.51.100.1")
		require.Equal(t, http.StatusTooManyRequests, limited.Code, "the client forged the left hops; the limit holds")
		require.NotEmpty(t, limited.Header().Get("Retry-After"))
		other := call(list, "203.0.113.7, 198.51.100.2")
		if behindGoogle {
			require.Equal(t, http.StatusOK, other.Code, "another client has its own bucket")
		} else {
			require.Equal(t, http.StatusTooManyRequests, other.Code, "off Cloud Run the header is ignored")
		}

		// Private feeds are limited per token, not per address: a feed-reader service polls
		// many people's feeds from one address.
		require.Equal(t, http.StatusNotFound, call(feedPath, "").Code, "the address's public limit is spent; the feed's is not")
		require.Equal(t, http.StatusTooManyRequests, call(feedPath, "").Code)
		require.Equal(t, http.StatusNotFound, call("/api/v1/feeds/anothertoken.json", "").Code, "another feed has its own bucket")
		require.Equal(t, http.StatusTooManyRequests, call("/api/v1/feeds/anothertoken/tasks/"+uuid.NewString()+".atom", "").Code,
			"a task's feed shares its token's bucket")
	}
}
