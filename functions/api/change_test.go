package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A change-mode watch needs only a page: the query is optional and names nothing, the task is
// named after the page, notifies on every change, and carries no filter unless one is written.
func TestChangeModeTaskDefaults(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"mode":"change","urls":["https://shop.example/widget"]}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	require.Equal(t, "change", r.body["mode"])
	require.Equal(t, "shop.example/widget", r.body["name"])
	require.Equal(t, "always", r.body["notify_behavior"])
	require.Empty(t, r.body["condition_description"], "no filter: every change counts")
	id := r.body["id"].(string)

	p := b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"condition_description":"/price: \\$[0-9]+/"}`)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, "change", p.body["mode"], "a stored mode stays")

	// With a model configured (the scripted agent here), a task that names no mode asks it.
	a := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"widget price","urls":["https://shop.example/widget"]}`)
	require.Equal(t, http.StatusCreated, a.status, a.body)
	require.Equal(t, "agent", a.body["mode"])
	require.Equal(t, "widget price", a.body["condition_description"])
}

func TestChangeModeFieldErrors(t *testing.T) {
	b := setup(t)
	cases := []struct{ name, body, field, detail string }{
		{"bad regex", `{"mode":"change","urls":["https://a.example/"],"condition_description":"/price: [0-9/"}`,
			"condition_description", "not a valid regular expression"},
		{"no page", `{"mode":"change","search_query":"widget"}`, "urls", "at least one page"},
		{"unknown mode", `{"mode":"diff","search_query":"widget"}`, "mode", `"agent" or "change"`},
		{"agent needs a query", `{"urls":["https://a.example/"]}`, "search_query", "is required"},
	}
	pr := b.do(t, "alice", "POST", "/api/v1/tasks/preview", `{"mode":"change","urls":["https://a.example/"]}`)
	require.Equal(t, http.StatusUnprocessableEntity, pr.status, pr.body)
	require.Contains(t, pr.body["errors"].([]any)[0].(map[string]any)["message"], "no preview")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do(t, "alice", "POST", "/api/v1/tasks", c.body)
			require.Equal(t, http.StatusUnprocessableEntity, r.status, r.body)
			f := r.body["errors"].([]any)[0].(map[string]any)
			require.Equal(t, c.field, f["field"])
			require.Contains(t, f["message"], c.detail)
		})
	}
	p := b.do(t, "alice", "POST", "/api/v1/tasks", `{"mode":"change","urls":["https://a.example/"]}`)
	require.Equal(t, http.StatusCreated, p.status, p.body)
	r := b.do(t, "alice", "PATCH", "/api/v1/tasks/"+p.body["id"].(string), `{"condition_description":"/(/"}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.status, r.body)
	require.Equal(t, "condition_description", r.body["errors"].([]any)[0].(map[string]any)["field"])
}
