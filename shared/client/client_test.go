package client_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// fakeAPI is an httptest server answering a few endpoints with bodies written as the API writes
// them (literal JSON, not the contract types, so a renamed tag shows up here), and recording
// what it was sent.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// seen is one request the fake received.
type seen struct {
	method, path, query string
	header              http.Header
	body                string
}

const taskID = "5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

const taskJSON = `{"id":"` + taskID + `","name":"iPhone","search_query":"next iPhone release date",
	"condition_description":"a date is announced","schedule":"0 9 * * *","timezone":"Europe/London",
	"notify_behavior":"once","notifications":[{"type":"email","address":"me@example.com"}],"state":"active",
	"next_run_at":"2026-01-02T09:00:00Z","last_run_at":null,"created_at":"2026-01-01T10:00:00.5Z",
	"updated_at":"2026-01-01T10:00:00.5Z","state_changed_at":"2026-01-01T10:00:00.5Z",
	"last_execution":{"id":"0b7a5f1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b","task_id":"` + taskID + `","scheduled_for":null,
		"trigger":"manual","status":"success","attempt":1,"created_at":"2026-01-01T10:00:01Z",
		"started_at":"2026-01-01T10:00:01Z","finished_at":"2026-01-01T10:00:05Z",
		"result":{"evidence":"Apple said so.","sources":[{"url":"https://www.apple.com/newsroom/","title":"Newsroom"}],
			"confidence":90,"notification":"It is September 18.","next_run":null,"topic":"iPhone 18"},
		"usage":{"model":"gemini","prompt_tokens":10,"output_tokens":5,"search_queries":1,"cost_usd":0.002}}}`

func problem(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{}
	mux := http.NewServeMux()
	reply := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	mux.HandleFunc("GET /api/v1/tasks", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			reply(200, `{"data":[`+taskJSON+`,`+taskJSON+`],"next_cursor":"page2"}`)(w, r)
			return
		}
		reply(200, `{"data":[`+taskJSON+`],"next_cursor":null}`)(w, r)
	})
	mux.HandleFunc("GET /api/v1/tasks/{id}", reply(200, taskJSON))
	mux.HandleFunc("PATCH /api/v1/tasks/{id}", reply(200, taskJSON))
	mux.HandleFunc("DELETE /api/v1/tasks/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("POST /api/v1/tasks/preview", func(w http.ResponseWriter, _ *http.Request) {
		problem(w, 422, `{"type":"about:blank","title":"Invalid input","status":422,"detail":"Some fields are not valid; see errors.",
			"errors":[{"field":"search_query","message":"must be 3 to 2000 characters"}]}`)
	})
	mux.HandleFunc("POST /api/v1/tasks/{id}/run", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "7")
		problem(w, 429, `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many run requests; try again in 7 s."}`)
	})
	mux.HandleFunc("GET /api/v1/executions/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<html>upstream failed</html>")
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, _ *http.Request) {
		problem(w, 500, `{"type":"about:blank","title":"Internal Server Error","status":500,
			"detail":"Something went wrong on our side.","request_id":"abc123"}`)
	})
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		f.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// last returns the latest request the fake received.
func (f *fakeAPI) last(t *testing.T) seen {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.reqs, "the client sent nothing")
	return f.reqs[len(f.reqs)-1]
}

func TestClientSendsItsCredentials(t *testing.T) {
	api := newFakeAPI(t)
	ctx := context.Background()
	id := uuid.MustParse(taskID)

	_, err := client.New(api.URL+"/", client.WithToken("tor_secret")).GetTask(ctx, id)
	require.NoError(t, err)
	r := api.last(t)
	require.Equal(t, "/api/v1/tasks/"+taskID, r.path, "a trailing slash on the base URL is dropped")
	require.Equal(t, "Bearer tor_secret", r.header.Get("Authorization"))
	require.Empty(t, r.header.Get("X-Torale-Dev-User"))
	require.Equal(t, "torale-go", r.header.Get("User-Agent"))
	require.Equal(t, "application/json", r.header.Get("Accept"))
	require.Empty(t, r.header.Get("Content-Type"), "a request without a body declares no content type")

	_, err = client.New(api.URL, client.WithDevUser("alice"), client.WithUserAgent("torale-cli")).GetTask(ctx, id)
	require.NoError(t, err)
	r = api.last(t)
	require.Empty(t, r.header.Get("Authorization"))
	require.Equal(t, "alice", r.header.Get("X-Torale-Dev-User"))
	require.Equal(t, "torale-cli", r.header.Get("User-Agent"))
}

func TestClientDecodesTheWire(t *testing.T) {
	api := newFakeAPI(t)
	got, err := client.New(api.URL).GetTask(context.Background(), uuid.MustParse(taskID))
	require.NoError(t, err)
	require.Equal(t, "next iPhone release date", got.SearchQuery)
	require.Equal(t, task.StateActive, got.State)
	require.Equal(t, []contract.Notification{{Type: task.ChannelEmail, Address: "me@example.com"}}, got.Notifications)
	require.Equal(t, time.Date(2026, 1, 1, 10, 0, 0, 5e8, time.UTC), got.CreatedAt)
	require.Nil(t, got.LastRunAt)
	require.NotNil(t, got.LastExecution)
	require.Equal(t, task.StatusSuccess, got.LastExecution.Status)
	require.True(t, got.LastExecution.Result.Notifies())
	require.Equal(t, "https://www.apple.com/newsroom/", got.LastExecution.Result.Sources[0].URL)
	require.InDelta(t, 0.002, got.LastExecution.Usage.CostUSD, 1e-9)
}

func TestClientWritesOnlyTheFieldsItChanges(t *testing.T) {
	api := newFakeAPI(t)
	c := client.New(api.URL)
	name, paused, none := "renamed", task.StatePaused, []contract.Notification{}
	_, err := c.UpdateTask(context.Background(), uuid.MustParse(taskID), contract.TaskPatch{Name: &name, State: &paused, Notifications: &none})
	require.NoError(t, err)
	r := api.last(t)
	require.Equal(t, "PATCH", r.method)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	require.JSONEq(t, `{"name":"renamed","state":"paused","notifications":[]}`, r.body,
		"unset fields are left out, and an empty list still clears the channels")

	require.NoError(t, c.DeleteTask(context.Background(), uuid.MustParse(taskID)), "204 has no body to read")
	require.Equal(t, "DELETE", api.last(t).method)
}

func TestClientFollowsCursors(t *testing.T) {
	api := newFakeAPI(t)
	c := client.New(api.URL)
	ctx := context.Background()

	first, err := c.ListTasks(ctx, task.StateActive, client.PageOptions{Limit: 2})
	require.NoError(t, err)
	require.Len(t, first.Data, 2)
	require.NotNil(t, first.NextCursor)
	require.Equal(t, "limit=2&state=active", api.last(t).query)

	second, err := c.ListTasks(ctx, "", client.PageOptions{Limit: 2, Cursor: *first.NextCursor})
	require.NoError(t, err)
	require.Len(t, second.Data, 1)
	require.Nil(t, second.NextCursor, "the last page has no cursor")
	require.Equal(t, "cursor=page2&limit=2", api.last(t).query)

	_, err = c.ListTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, api.last(t).query, "zero options send no parameters, so the server's defaults apply")
}

func TestClientErrorsCarryTheProblem(t *testing.T) {
	api := newFakeAPI(t)
	c := client.New(api.URL)
	ctx := context.Background()
	id := uuid.MustParse(taskID)

	_, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "x"})
	var e *client.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, 422, e.StatusCode)
	require.Equal(t, 422, client.StatusOf(err))
	require.Equal(t, []contract.FieldError{{Field: "search_query", Message: "must be 3 to 2000 characters"}}, e.Errors)
	require.Equal(t, "Some fields are not valid; see errors.\n  search_query: must be 3 to 2000 characters", err.Error())

	_, err = c.RunTask(ctx, id, false)
	require.ErrorAs(t, err, &e)
	require.Equal(t, 429, e.StatusCode)
	require.Equal(t, 7*time.Second, e.RetryAfter, "Retry-After says how long to back off")

	_, err = c.Me(ctx)
	require.ErrorAs(t, err, &e)
	require.Equal(t, "Something went wrong on our side. (request id abc123)", err.Error(), "the request id is quoted for support")

	_, err = c.GetExecution(ctx, id)
	require.ErrorAs(t, err, &e)
	require.Equal(t, 502, e.StatusCode)
	require.Equal(t, "Bad Gateway", e.Title, "a proxy's page is not a problem detail; the status text stands in")
	require.Equal(t, "Bad Gateway", err.Error())
}

func TestClientNetworkErrorsAreNotAPIErrors(t *testing.T) {
	api := newFakeAPI(t)
	url := api.URL
	api.Close()
	_, err := client.New(url).GetTask(context.Background(), uuid.MustParse(taskID))
	require.Error(t, err)
	require.Zero(t, client.StatusOf(err), "no answer came, so there is no status")

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"id": 42}`)
	}))
	defer srv.Close()
	_, err = client.New(srv.URL).GetTask(context.Background(), uuid.MustParse(taskID))
	var syntax *json.UnmarshalTypeError
	require.ErrorAs(t, err, &syntax, "an answer that does not fit the contract is a decoding error")
	require.Zero(t, client.StatusOf(err))
}
