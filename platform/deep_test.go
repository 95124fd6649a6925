package platform_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// deepWeb is a made-up web that tells more with each search: the n-th search finds pages[:n+1]
// (all of them after that), with grounding URIs unique per search as the real API's are. The
// decision is the scripted model's.
type deepWeb struct {
	mu       sync.Mutex
	pages    []geminitest.Page
	searches int
	model    geminitest.Model
}

func (w *deepWeb) handle(req geminitest.Request) geminitest.Response {
	if !req.Grounded {
		return w.model.Handle(req)
	}
	w.mu.Lock()
	w.searches++
	n := w.searches
	w.mu.Unlock()
	r := geminitest.Grounded(w.pages[:min(n, len(w.pages))], []string{fmt.Sprintf("search %d", n)}, geminitest.Usage{Prompt: 10, Candidates: 10})
	cand := r.Body.(map[string]any)["candidates"].([]any)[0].(map[string]any)
	for _, ch := range cand["groundingMetadata"].(map[string]any)["groundingChunks"].([]any) {
		web := ch.(map[string]any)["web"].(map[string]any)
		web["uri"] = fmt.Sprintf("%s-%d", web["uri"], n)
	}
	return r
}

// TestLocalDeepRunEndToEnd runs a deep task under torale dev's platform with the real Gemini
// agent against the scripted model: the run is handed to the deep-run topic, researched in
// three searches that follow each other up, decided, and recorded once with a deep run's
// deadline.
func TestLocalDeepRunEndToEnd(t *testing.T) {
	web := &deepWeb{pages: []geminitest.Page{
		{URL: "https://rumours.example.com/iphone-18", Title: "rumours.example.com", Text: "RUMOUR: Leakers claim iPhone 18 could ship in late September."},
		{URL: "https://www.apple.com/newsroom/", Title: "apple.com", Text: "OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026."},
		{URL: "https://news.example.com/iphone", Title: "news.example.com", Text: "OFFICIAL: Apple confirmed pre-orders open on 11 September."},
	}}
	srv := geminitest.New(t, web.handle)
	dbURL := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "GEMINI_API_KEY": "AIzaSyFAKE-test-key-0123456789",
		"GOOGLE_GEMINI_BASE_URL": srv.URL, "TORALE_FALLBACK_MODEL": "none"}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	base := runLocal(t, cfg, nil)

	var created struct {
		ID    string     `json:"id"`
		Depth task.Depth `json:"depth"`
	}
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query": "When will Apple announce the iPhone 18 release date?", "notify_behavior": "always", "depth": "deep",
	}, &created))
	require.Equal(t, task.DepthDeep, created.Depth)

	exec := waitForExecution(t, base, created.ID)
	require.Equal(t, task.StatusSuccess, exec.Status, "error: %v", exec.Error)
	require.NotNil(t, exec.Result.Notification, "the decision saw what the follow-up searches found")
	require.Equal(t, gemini.DeepSearches, exec.Usage.SearchQueries)

	var grounded, decided int
	for _, r := range srv.Requests() {
		if r.Grounded {
			grounded++
		} else {
			decided++
		}
	}
	require.Equal(t, gemini.DeepSearches, grounded, "several searches")
	require.Equal(t, 1, decided, "then one decision")

	db, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer db.Close(context.Background())
	var runs int
	var lease time.Duration
	require.NoError(t, db.QueryRow(context.Background(), `SELECT count(*), max(deadline_at - started_at) FROM executions
		WHERE task_id = $1`, created.ID).Scan(&runs, &lease))
	require.Equal(t, 1, runs, "recorded once")
	require.Equal(t, config.MaxDeepRunTimeout+time.Minute, lease, "a deep run's deadline, not a routine one's")

	var bad map[string]any
	require.Equal(t, http.StatusUnprocessableEntity, call(t, "PATCH", base+"/api/v1/tasks/"+created.ID,
		map[string]any{"depth": "bottomless"}, &bad))
}
