package platform_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// torale dev with no API key at all: a task that lists only a page is a change-mode watch. Its
// first run keeps the page as the baseline, a run with no edit stays silent, an edit notifies
// with a diff and the page as the source, and editing it back notifies again.
func TestLocalChangeModeWithoutAnyKey(t *testing.T) {
	var mu sync.Mutex
	price := "899"
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/widget" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<html><head><title>Widget</title></head><body><article>
<h1>The Widget</h1><p>The widget costs %s dollars and ships in two days.</p></article></body></html>`, price)
	}))
	t.Cleanup(site.Close)
	setPrice := func(p string) { mu.Lock(); price = p; mu.Unlock() }

	base := startConfigured(t, map[string]string{})
	url := site.URL + "/widget"
	var created contract.TaskView
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{"urls": []string{url}}, &created))
	require.Equal(t, task.ModeChange, created.Mode, "no model is configured")
	require.Equal(t, task.NotifyAlways, created.NotifyBehavior)
	id := created.ID.String()

	first := agentE2EFinished(t, base, id, 1)
	require.Equal(t, task.StatusSuccess, first.Status, "error: %s", first.Error)
	require.False(t, first.Result.Notifies())
	require.Contains(t, first.Result.Evidence, "baseline")

	runAgain := func(n int) contract.Execution {
		t.Helper()
		require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/tasks/"+id+"/run", nil, nil))
		e := agentE2EFinished(t, base, id, n)
		require.Equal(t, task.StatusSuccess, e.Status, "error: %s", e.Error)
		return e
	}
	quiet := runAgain(2)
	require.False(t, quiet.Result.Notifies(), "no edit, no notification")
	require.Equal(t, "No change on "+url+".", quiet.Result.Evidence)

	setPrice("799")
	changed := runAgain(3)
	require.True(t, changed.Result.Notifies())
	require.Contains(t, *changed.Result.Notification, "+ The widget costs 799 dollars and ships in two days.")
	require.Contains(t, *changed.Result.Notification, "- The widget costs 899 dollars and ships in two days.")
	require.Equal(t, []contract.Source{{URL: url, Title: "Widget"}}, changed.Result.Sources)

	setPrice("899")
	back := runAgain(4)
	require.True(t, back.Result.Notifies(), "editing it back notifies again")
	require.Contains(t, *back.Result.Notification, "+ The widget costs 899 dollars")
}
