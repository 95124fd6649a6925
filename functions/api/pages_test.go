package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A task's pages and background are stored, shown to their owner, changed by PATCH, and
// handed to the agent (here by a preview, which runs the agent as a run does).
func TestTaskURLsAndContextRoundTrip(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"iPhone 18 release date",
		"urls":[" https://www.apple.com/newsroom/#top ","http://example.com/iphone"],
		"context":"I already own the 15 Pro.\r\nOnly a new model matters."}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	require.Equal(t, []any{"https://www.apple.com/newsroom/", "http://example.com/iphone"}, r.body["urls"])
	require.Equal(t, "I already own the 15 Pro.\nOnly a new model matters.", r.body["context"])
	id := r.body["id"].(string)

	pr := b.do(t, "alice", "POST", "/api/v1/tasks/preview", `{"search_query":"iPhone 18 release date",
		"urls":["https://www.apple.com/newsroom/#top","http://example.com/iphone"],"context":"I already own the 15 Pro.\r\nOnly a new model matters."}`)
	require.Equal(t, http.StatusOK, pr.status, pr.body)
	in := b.agent.Inputs()[0]
	require.Equal(t, []string{"https://www.apple.com/newsroom/", "http://example.com/iphone"}, in.URLs)
	require.Equal(t, "I already own the 15 Pro.\nOnly a new model matters.", in.Context)

	p := b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"urls":[],"context":""}`)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, []any{}, p.body["urls"])
	require.Empty(t, p.body["context"])
	p = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"name":"renamed"}`)
	require.Equal(t, []any{}, p.body["urls"], "a patch without urls keeps them")
}

func TestBadURLsAndContextAreFieldErrors(t *testing.T) {
	b := setup(t)
	eleven := `"https://a.example/"` + strings.Repeat(`,"https://a.example/"`, 10)
	cases := []struct{ name, body, field, detail string }{
		{"not http", `{"search_query":"abc","urls":["https://ok.example/","ftp://files.example/x"]}`, "urls[1]", "only http and https"},
		{"no host", `{"search_query":"abc","urls":["https:///news"]}`, "urls[0]", "has no host"},
		{"empty", `{"search_query":"abc","urls":[""]}`, "urls[0]", "must not be empty"},
		{"twice", `{"search_query":"abc","urls":["https://a.example/x","https://a.example/x#y"]}`, "urls[1]", "same page as urls[0]"},
		{"too many", `{"search_query":"abc","urls":[` + eleven + `]}`, "urls", "at most 10"},
		{"long context", `{"search_query":"abc","context":"` + strings.Repeat("a", 4001) + `"}`, "context", "at most 4000"},
		{"hidden", `{"search_query":"abc","context":"buy \u202e now"}`, "context", "U+202E"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do(t, "alice", "POST", "/api/v1/tasks", c.body)
			require.Equal(t, http.StatusUnprocessableEntity, r.status, r.body)
			f := r.body["errors"].([]any)[0].(map[string]any)
			require.Equal(t, c.field, f["field"])
			require.Contains(t, f["message"], c.detail)
		})
	}
}
