package platform_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// torale dev reads the pages a watch lists from this machine (TORALE_PAGE_ALLOW_PRIVATE is on
// there): with a search that finds only a rumour, the run cites the read page, and a page that
// fails is named in the run's evidence, not a failed run.
func TestLocalWatchReadsItsPages(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/newsroom", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><head><title>Apple Newsroom</title></head><body><article>
<p>OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026.</p></article></body></html>`))
	})
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)

	model := &geminitest.Model{Web: iphoneWeb[1:]}
	fake := geminitest.New(t, model.Handle)
	base := startConfigured(t, map[string]string{"GEMINI_API_KEY": "AIzaSyFAKE-e2e-key-000000", "GOOGLE_GEMINI_BASE_URL": fake.URL})

	var created contract.TaskView
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query":          "When will Apple announce the iPhone 18 release date?",
		"condition_description": "Apple officially announces the release date",
		"urls":                  []string{site.URL + "/newsroom", site.URL + "/missing"},
		"context":               "I already own the iPhone 17 Pro.",
	}, &created))
	require.Equal(t, []string{site.URL + "/newsroom", site.URL + "/missing"}, created.URLs)

	run := agentE2EFinished(t, base, created.ID.String(), 1)
	require.Equal(t, task.StatusSuccess, run.Status, "error: %s", run.Error)
	require.True(t, run.Result.Notifies())
	require.Equal(t, []contract.Source{{URL: site.URL + "/newsroom", Title: "Apple Newsroom"}}, run.Result.Sources)
	require.Contains(t, run.Result.Evidence, site.URL+"/missing could not be read: the page answered HTTP 404.")
	reqs := fake.Requests()
	require.Len(t, reqs, 2, "a routine run stays one search and one decision")
	require.Contains(t, reqs[0].User, "I already own the iPhone 17 Pro.")
	require.Contains(t, reqs[1].User, "I already own the iPhone 17 Pro.")
}
