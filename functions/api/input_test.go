package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// probe is one hostile request body; field, when set, is the field its 422 must name.
type probe struct{ name, body, field string }

// wholeBodies are bodies every route refuses, whatever it takes: not an object, not UTF-8,
// holding a NUL byte or a lone surrogate escape, or more than one value.
var wholeBodies = []probe{
	{"null", "null", ""}, {"array", "[]", ""}, {"string", `"x"`, ""}, {"number", "1", ""}, {"boolean", "true", ""},
	{"NUL byte", "{\x00}", ""}, {"NUL after the object", "{}\x00", ""}, {"not UTF-8", "\xff", ""},
	{"not UTF-8 in a key", "{\"\xc3\":1}", ""}, {"lone high surrogate key", `{"\ud800":1}`, ""},
	{"lone low surrogate key", `{"\udc00":1}`, ""}, {"two values", "{} {}", ""}, {"truncated", "{", ""},
}

// fieldValues are ways a string value can be something PostgreSQL refuses or encoding/json
// would silently turn into U+FFFD; each replaces one string of a route's valid body.
var fieldValues = []struct {
	name, raw string
}{
	{"NUL escape", `ok\u0000`}, {"NUL escape alone", `\u0000`}, {"invalid UTF-8", "ok\xff"},
	{"overlong UTF-8", "\xc0\xaf"}, {"encoded surrogate", "\xed\xa0\x80"}, {"lone high surrogate", `\ud800`},
	{"lone low surrogate", `\udc00`}, {"reversed pair", `\udc00\ud800`}, {"high then letter", `\ud83dA`},
}

// noBodyAccepted are the bodies a route that takes none accepts.
var noBodyAccepted = []string{"", "{}", " { } ", "\n"}

// TestHostileInputsOnEveryRoute sends every route in the route table (so a new route is covered
// without anyone adding it here) NUL bytes, invalid UTF-8, lone surrogates, null and non-object
// bodies, and path values the database cannot hold, as an admin who owns every resource named:
// each is refused (422, or 404 for a path value) before anything is stored, and nothing stored
// changes. A route that takes no body accepts an empty body or {} and refuses anything else.
// Issue 11, defects 4-6.
func TestHostileInputsOnEveryRoute(t *testing.T) {
	b := setup(t)
	ids := seedAdmin(t, b)
	before := snapshot(t, b.dbURL)
	sent := 0
	for _, rt := range b.api.Routes() {
		name := rt.Method + " " + rt.Path
		path := fillPath(rt.Path, ids[idKind(rt.Path)])
		for _, p := range routeProbes(t, rt) {
			status, out := sendAs(t, b, rt.Method, path, p.body)
			assert.Equal(t, http.StatusUnprocessableEntity, status, "%s with %s: %s", name, p.name, out)
			if p.field != "" {
				assert.Contains(t, out, `"field":"`+p.field+`"`, "%s with %s names the field", name, p.name)
			}
			sent++
		}
		for _, bad := range []string{"%00", "a%00b", "%FF", "%C0%AF", "%ED%A0%80"} {
			if !strings.Contains(rt.Path, "{") {
				break
			}
			body := validBody(rt)
			status, out := sendAs(t, b, rt.Method, fillPath(rt.Path, map[string]string{"id": bad, "email": "me" + bad + "@example.com", "name": "X-" + bad}), body)
			assert.Equal(t, http.StatusNotFound, status, "%s with path value %s: %s", name, bad, out)
			sent++
		}
	}
	require.Equal(t, before, snapshot(t, b.dbURL), "a refused request changed what is stored")
	require.Greater(t, sent, 500)

	// Query values go nowhere near SQL as text, but must not break a route either; and a route
	// that takes no body accepts none, or {}. Both run after the snapshot: accepted requests act.
	missing := map[string]string{"id": uuid.NewString(), "email": "nobody@example.com"}
	for _, rt := range b.api.Routes() {
		name := rt.Method + " " + rt.Path
		path := fillPath(rt.Path, missing)
		// A part this test server lacks (the reconcile scheduler) answers 503 to every request.
		plain, _ := sendAs(t, b, rt.Method, path, "")
		for _, param := range []string{"cursor", "limit", "state", "status", "token", "task_id", "force", "drift", "other"} {
			for _, bad := range []string{"%00", "%FF", "%ED%A0%80"} {
				status, out := sendAs(t, b, rt.Method, path+"?"+param+"="+bad, "")
				require.True(t, status < 500 || status == plain && plain == http.StatusServiceUnavailable,
					"%s?%s=%s answered %d: %s", name, param, bad, status, out)
			}
		}
		if rt.Body != api.BodyNone {
			continue
		}
		for _, body := range noBodyAccepted {
			status, out := sendAs(t, b, rt.Method, path, body)
			require.NotEqual(t, http.StatusUnprocessableEntity, status, "%s refused the body %q: %s", name, body, out)
			require.True(t, status < 500 || status == plain && plain == http.StatusServiceUnavailable,
				"%s with body %q answered %d: %s", name, body, status, out)
		}
	}
}

// routeProbes are the bodies rt must refuse with a 422.
func routeProbes(t *testing.T, rt api.Route) []probe {
	out := append([]probe{}, wholeBodies...)
	if rt.Body == api.BodyNone {
		return append(out, probe{"an unknown field", `{"a":1}`, ""}, probe{"an empty array", `{"a":[]}`, ""})
	}
	if rt.Body == api.BodyJSON {
		out = append(out, probe{"empty", "", ""}, probe{"only space", " \n", ""})
	}
	var fields map[string]any
	require.NoError(t, json.Unmarshal([]byte(validBody(rt)), &fields), rt.Path)
	for key, v := range fields {
		if _, ok := v.(string); !ok {
			continue
		}
		for _, fv := range fieldValues {
			hole := map[string]any{}
			for k, v := range fields {
				hole[k] = v
			}
			hole[key] = "@HOLE@"
			raw, err := json.Marshal(hole)
			require.NoError(t, err)
			out = append(out, probe{key + " " + fv.name, strings.Replace(string(raw), "@HOLE@", fv.raw, 1), key})
		}
	}
	return out
}

// validBody is a body the route would take: isolationBodies' one, and a URL for the webhook
// test, whose body there is left out.
func validBody(rt api.Route) string {
	body := isolationBodies[rt.Method+" "+rt.Path]
	if body == "" && rt.Body == api.BodyOptional {
		return `{"url":"https://hooks.example.com/t"}`
	}
	return body
}

// idKind says what a route's {id} names, so each hostile request names a real resource of root's
// and only the refusal stands between it and a change.
func idKind(path string) string {
	switch {
	case strings.Contains(path, "/api-keys/"):
		return "key"
	case strings.Contains(path, "/executions/"):
		return "execution"
	case strings.Contains(path, "/channels/"):
		return "channel"
	}
	return "task"
}

// seedAdmin makes "root" an admin with one of everything a route can name, and returns the
// path values that name them, by idKind.
func seedAdmin(t *testing.T, b testBundle) map[string]map[string]string {
	ctx := context.Background()
	b.verifyEmail(t, "root", "root@example.com")
	c := b.client(t, client.WithDevUser("root"))
	me, err := c.Me(ctx)
	require.NoError(t, err)
	require.NoError(t, b.store.SetUserRole(ctx, me.ID, store.RoleAdmin))
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "root's watch",
		Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "root@example.com"}}})
	require.NoError(t, err)
	exec := notifiedRun(t, b.store, me.ID, tk.ID, "news")
	key, err := c.CreateAPIKey(ctx, "root's key")
	require.NoError(t, err)
	_, err = c.SetWebhook(ctx, contract.WebhookInput{URL: "https://hooks.example.com/root", Enabled: ptr(true)})
	require.NoError(t, err)
	ch, err := c.CreateChannel(ctx, contract.ChannelInput{Kind: "slack", Name: "root's",
		Settings: map[string]string{"webhook_url": "https://hooks.slack.com/services/T1/B1/rootkey"}})
	require.NoError(t, err)
	const addr = "root@example.com"
	return map[string]map[string]string{"task": {"id": tk.ID.String(), "email": addr},
		"execution": {"id": exec.ID.String(), "email": addr}, "key": {"id": key.ID.String(), "email": addr},
		"channel": {"id": ch.ID.String(), "email": addr}}
}

// fillPath puts values into a route pattern's wildcards, escaping nothing: the values are
// already what goes on the wire.
func fillPath(pattern string, values map[string]string) string {
	for name, v := range values {
		pattern = strings.ReplaceAll(pattern, "{"+name+"}", v)
	}
	return pattern
}

func sendAs(t *testing.T, b testBundle, method, path, body string) (int, string) {
	t.Helper()
	u, err := url.Parse(b.srv.URL + path)
	require.NoError(t, err, path)
	req, err := http.NewRequest(method, u.String(), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set(auth.DevUserHeader, "root")
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// snapshot reads every table's rows as text. Rate-limit state is left out: a refused request
// may spend a token, and that is not user data.
func snapshot(t *testing.T, dbURL string) map[string]string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'
		AND tablename NOT LIKE '%limit%' ORDER BY tablename`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, tables)
	out := map[string]string{}
	for _, tbl := range tables {
		var dump string
		require.NoError(t, conn.QueryRow(ctx, fmt.Sprintf(
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM %s t`, pgx.Identifier{tbl}.Sanitize())).Scan(&dump))
		out[tbl] = dump
	}
	return out
}

// TestNamesRefuseHiddenCharacters: names go into email subjects and dashboards, so task and
// API-key names refuse bidi controls and invisible characters, naming the field; ZWJ, ZWNJ and
// the soft hyphen, which emoji and several scripts need, stay allowed. Issue 11.
func TestNamesRefuseHiddenCharacters(t *testing.T) {
	b := setup(t)
	id := b.create(t, "alice", "a watch to rename")
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/api-keys", `{"name":"invoice\u202egpj.exe"}`},
		{"POST", "/api/v1/api-keys", `{"name":"pay\u200bpal"}`},
		{"POST", "/api/v1/tasks", `{"search_query":"a watch","name":"a\u2066b"}`},
		{"POST", "/api/v1/tasks/preview", `{"search_query":"a watch","name":"\ufeffname"}`},
		{"PATCH", "/api/v1/tasks/" + id, `{"name":"a\u2062b"}`},
	} {
		r := b.do(t, "alice", c.method, c.path, c.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s %s", c.method, c.body)
		errs := r.body["errors"].([]any)
		require.Equal(t, "name", errs[0].(map[string]any)["field"])
		require.Contains(t, errs[0].(map[string]any)["message"], "invisible or direction-changing")
	}
	r := b.do(t, "alice", "POST", "/api/v1/api-keys", `{"name":"👩\u200d💻 می\u200cخواهم co\u00adop"}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	r = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"name":"👩\u200d💻 watch"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
}

// TestNullBodyLeavesTheWebhookAlone is issue 11's defect 6 as it was found: PUT /webhook with
// null answered 200 and cleared the default webhook.
func TestNullBodyLeavesTheWebhookAlone(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "PUT", "/api/v1/webhook", `{"url":"https://hooks.example.com/a","enabled":true}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	for _, body := range []string{"null", " null ", "[]", `"x"`} {
		r = b.do(t, "alice", "PUT", "/api/v1/webhook", body)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, body)
	}
	r = b.do(t, "alice", "GET", "/api/v1/webhook", "")
	require.Equal(t, "https://hooks.example.com/a", r.body["url"])
	require.Equal(t, true, r.body["enabled"])
}
