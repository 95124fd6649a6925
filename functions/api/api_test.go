package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/account"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/budget"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

type discardPublisher struct{}

func (discardPublisher) Publish(context.Context, string, []byte) error { return nil }

type testBundle struct {
	srv   *httptest.Server
	dbURL string // the test's own database, for tests that compare what is stored
	store *store.Store
	api   *api.API
	agent *agenttest.Agent
}

func setup(t testing.TB) testBundle {
	t.Helper()
	dbURL := storetest.URL(t)
	s := storetest.Open(t, dbURL)
	note := "Apple announced it."
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "Found on apple.com.",
		Confidence: 90, Notification: &note, Sources: []task.Source{{URL: "https://www.apple.com/", Title: "Apple"}}}}})
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Agent: fake, Now: time.Now,
		Rules: task.DefaultRules(), Log: logging.Discard(), MaxActive: 5, Channels: platform.NewChannels(s, false)})
	a := api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: logging.Discard(),
		Auth:           &auth.Chain{APIKeys: auth.NewAPIKeys(s, time.Now, logging.Discard()), Dev: auth.NewDev(s)},
		AllowedOrigins: []string{"https://app.torale.ai"}, Notify: isolationNotify(t, s),
		Feeds:     api.Feeds{Store: s, Keys: testFeedKeys(t), PublicURL: feedPublicURL},
		Account:   account.New(account.Deps{Store: s, Tasks: w, Now: time.Now, Log: logging.Discard()}),
		Redeliver: outbox.NewRedeliverer(s, discardPublisher{}, time.Now, logging.Discard()),
		Spend:     budget.New(s, 25, time.Now)})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return testBundle{srv: srv, dbURL: dbURL, store: s, api: a, agent: fake}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
}

func (b testBundle) do(t testing.TB, user, method, path string, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if user != "" {
		req.Header.Set(auth.DevUserHeader, user)
	}
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	out := response{status: res.StatusCode, header: res.Header}
	_ = json.NewDecoder(res.Body).Decode(&out.body)
	if res.StatusCode >= 400 {
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
		require.EqualValues(t, res.StatusCode, out.body["status"])
	}
	return out
}

func (b testBundle) create(t testing.TB, user, query string) string {
	t.Helper()
	r := b.do(t, user, "POST", "/api/v1/tasks", fmt.Sprintf(`{"search_query":%q}`, query))
	require.Equal(t, http.StatusCreated, r.status, r.body)
	return r.body["id"].(string)
}

func TestCreateAndGetTask(t *testing.T) {
	b := setup(t)
	b.verifyEmail(t, "alice", "me@example.com")
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"  next iPhone release date ","schedule":"0 9 * * 1","timezone":"America/New_York","run_immediately":false,
		"notifications":[{"type":"email","address":"me@Example.com"}]}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	require.Equal(t, "Next iPhone release date", r.body["name"])
	require.Equal(t, "next iPhone release date", r.body["condition_description"])
	require.Equal(t, "once", r.body["notify_behavior"])
	require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	next, err := time.Parse(time.RFC3339, r.body["next_run_at"].(string))
	require.NoError(t, err)
	require.Equal(t, time.Monday, next.In(mustZone(t, "America/New_York")).Weekday())
	require.Equal(t, 9, next.In(mustZone(t, "America/New_York")).Hour())

	got := b.do(t, "alice", "GET", "/api/v1/tasks/"+r.body["id"].(string), "")
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, r.body["id"], got.body["id"])
	require.Nil(t, got.body["last_execution"])
}

func mustZone(t testing.TB, name string) *time.Location {
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

func TestBadInputIsAProblem(t *testing.T) {
	b := setup(t)
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"validation", `{"search_query":"x","notify_behavior":"sometimes"}`, 422, "search_query"},
		{"unknown field", `{"search_query":"abc","frequency":"daily"}`, 422, "frequency"},
		{"wrong type", `{"search_query":42}`, 422, "search_query"},
		{"not json", `{"search_query":`, 422, ""},
		{"empty", ``, 422, ""},
		{"two values", `{"search_query":"abc"} {}`, 422, ""},
		{"too large", `{"search_query":"` + strings.Repeat("a", 1<<20) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do(t, "alice", "POST", "/api/v1/tasks", c.body)
			require.Equal(t, c.status, r.status, r.body)
			require.NotEmpty(t, r.body["detail"])
			if c.field != "" {
				errs := r.body["errors"].([]any)
				require.Equal(t, c.field, errs[0].(map[string]any)["field"])
			}
		})
	}
}

func TestOtherUsersTasksAreNotFound(t *testing.T) {
	b := setup(t)
	id := b.create(t, "alice", "alice's watch")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/tasks/" + id},
		{"POST", "/api/v1/tasks/" + id + "/run"},
		{"GET", "/api/v1/tasks/" + id + "/executions"},
	} {
		r := b.do(t, "bob", c.method, c.path, "")
		require.Equal(t, http.StatusNotFound, r.status, "%s %s", c.method, c.path)
		require.NotContains(t, fmt.Sprint(r.body), "alice")
	}
	list := b.do(t, "bob", "GET", "/api/v1/tasks", "")
	require.Empty(t, list.body["data"])

	run := b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/run", "")
	require.Equal(t, http.StatusAccepted, run.status)
	r := b.do(t, "bob", "GET", "/api/v1/executions/"+run.body["id"].(string), "")
	require.Equal(t, http.StatusNotFound, r.status)
	require.Equal(t, http.StatusNotFound, b.do(t, "alice", "GET", "/api/v1/tasks/not-a-uuid", "").status)
}

func TestRunConflictsWhileInProgress(t *testing.T) {
	b := setup(t)
	id := b.create(t, "alice", "watch this")
	require.Equal(t, http.StatusAccepted, b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/run", "").status)
	r := b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/run", "")
	require.Equal(t, http.StatusConflict, r.status)
	require.Contains(t, r.body["detail"], "in progress")
	execs := b.do(t, "alice", "GET", "/api/v1/tasks/"+id+"/executions", "")
	require.Len(t, execs.body["data"], 1)
}

func TestListPaginates(t *testing.T) {
	b := setup(t)
	for i := range 5 {
		b.create(t, "carol", fmt.Sprintf("watch number %d", i))
	}
	var names []string
	path := "/api/v1/tasks?limit=2"
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		r := b.do(t, "carol", "GET", path, "")
		require.Equal(t, http.StatusOK, r.status, r.body)
		for _, d := range r.body["data"].([]any) {
			names = append(names, d.(map[string]any)["search_query"].(string))
		}
		if r.body["next_cursor"] == nil {
			break
		}
		path = "/api/v1/tasks?limit=2&cursor=" + r.body["next_cursor"].(string)
	}
	require.Equal(t, []string{"watch number 4", "watch number 3", "watch number 2", "watch number 1", "watch number 0"}, names)

	require.Equal(t, http.StatusBadRequest, b.do(t, "carol", "GET", "/api/v1/tasks?limit=500", "").status)
	require.Equal(t, http.StatusBadRequest, b.do(t, "carol", "GET", "/api/v1/tasks?cursor=bogus", "").status)
	require.Equal(t, http.StatusBadRequest, b.do(t, "carol", "GET", "/api/v1/tasks?state=sleeping", "").status)
	active := b.do(t, "carol", "GET", "/api/v1/tasks?state=active", "")
	require.Len(t, active.body["data"], 5)
}

func TestAuthAndRouting(t *testing.T) {
	b := setup(t)
	require.Equal(t, http.StatusUnauthorized, b.do(t, "Not A Name!", "GET", "/api/v1/tasks", "").status)
	req, _ := http.NewRequest("GET", b.srv.URL+"/api/v1/tasks", nil)
	req.Header.Set("Authorization", "Bearer tor_x")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "dev mode takes no tokens")
	// Paths outside the API document: 404, or 405 naming the methods a known path takes.
	res, err = http.Get(b.srv.URL + "/api/v1/nothing")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	req, _ = http.NewRequest("PUT", b.srv.URL+"/api/v1/tasks", nil)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	require.Contains(t, res.Header.Get("Allow"), "POST")
	require.Equal(t, http.StatusOK, b.do(t, "", "GET", "/healthz", "").status)
	require.Equal(t, http.StatusOK, b.do(t, "", "GET", "/health", "").status)
	// Without the header the caller is the default dev user.
	b.create(t, "", "default user's watch")
	require.Len(t, b.do(t, "dev", "GET", "/api/v1/tasks", "").body["data"], 1)
}

func FuzzCreateTask(f *testing.F) {
	b := setup(f)
	for _, s := range []string{`{"search_query":"abc"}`, `{"search_query":"abc","notifications":[{"type":"webhook"}]}`,
		`{"schedule":"*/5 * * * *"}`, `[]`, `null`, `{"run_immediately":"yes"}`, "\x00", `{"timezone":"../../etc/passwd"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		res, err := http.Post(b.srv.URL+"/api/v1/tasks", "application/json", bytes.NewBufferString(body))
		require.NoError(t, err)
		res.Body.Close()
		require.Less(t, res.StatusCode, 500, "body %q", body)
	})
}

func TestHealthzIsUnavailableWhenSchemaIsBehind(t *testing.T) {
	s := storetest.New(t)
	require.NoError(t, s.MigrateDown(0))
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Log: logging.Discard()})
	srv := httptest.NewServer(api.New(api.Deps{Watch: w, Keys: s, Admin: s, Auth: auth.NewDev(s), Health: s.Health, Log: logging.Discard()}))
	defer srv.Close()
	for _, path := range []string{"/healthz", "/health"} {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, path)
	}
}

// The health check stays 200 on a schema a newer release migrated within the window, reporting
// both versions, so "migrate, then deploy" keeps the running revision healthy; beyond the
// window it is 503 and says why.
func TestHealthReportsTheSchemaWindow(t *testing.T) {
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Now: time.Now, Log: logging.Discard()})
	srv := httptest.NewServer(api.New(api.Deps{Watch: w, Keys: s, Admin: s, Auth: auth.NewDev(s), Health: s.Health, Log: logging.Discard()}))
	defer srv.Close()
	get := func(path string) (int, map[string]any) {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		return res.StatusCode, body
	}
	latest, window := float64(store.LatestVersion()), float64(store.SchemaWindow)
	for _, ahead := range []float64{0, window} {
		storetest.SetSchemaVersion(t, url, uint(latest+ahead))
		for _, path := range []string{"/healthz", "/health"} {
			code, body := get(path)
			require.Equal(t, http.StatusOK, code, "%s ahead by %v", path, ahead)
			require.Equal(t, map[string]any{"status": "ok", "schema": map[string]any{
				"database": latest + ahead, "build": latest, "newest_accepted": latest + window}}, body)
		}
	}
	storetest.SetSchemaVersion(t, url, uint(latest+window+1))
	code, body := get("/health")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body["detail"], "too new for this build")
	require.Contains(t, body["detail"], "deploy a newer build")
}

// verifyEmail marks email as verified for the dev user named name, creating the user.
func (b testBundle) verifyEmail(t testing.TB, name, email string) {
	t.Helper()
	u, err := b.store.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:" + name, DisplayName: name})
	require.NoError(t, err)
	require.NoError(t, b.store.MarkEmailVerified(context.Background(), u.ID, email, time.Now()))
}

func TestNotificationTargetsAreCheckedOnSave(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"watch this","notifications":[
		{"type":"email","address":"me@example.com"},{"type":"webhook","url":"https://169.254.169.254/latest"}]}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.status, r.body)
	errs := r.body["errors"].([]any)
	require.Len(t, errs, 2)
	require.Equal(t, "notifications[0].address", errs[0].(map[string]any)["field"])
	require.Contains(t, errs[0].(map[string]any)["message"], "not verified")
	require.Equal(t, "notifications[1].url", errs[1].(map[string]any)["field"])

	b.verifyEmail(t, "alice", "Me@Example.com")
	r = b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"watch this","notifications":[{"type":"email","address":"me@example.com"}]}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	// Another user's verification does not count.
	r = b.do(t, "bob", "POST", "/api/v1/tasks", `{"search_query":"watch this","notifications":[{"type":"email","address":"me@example.com"}]}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	id := b.create(t, "bob", "bob's watch")
	r = b.do(t, "bob", "PATCH", "/api/v1/tasks/"+id, `{"notifications":[{"type":"email","address":"me@example.com"}]}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
}
