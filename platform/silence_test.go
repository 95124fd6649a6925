package platform_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// startSilence runs the platform with the real agent over a fake Gemini whose decisions edit
// changes (nil: the model's honest answer), and creates an always-notify task.
func startSilence(t *testing.T, web []geminitest.Page, edit *atomic.Value) (base, taskID string) {
	t.Helper()
	redirector := geminitest.NewRedirector(t, web)
	model := &geminitest.Model{Web: web, Redirects: redirector.URL, Edit: func(ans map[string]any) {
		if f, ok := edit.Load().(func(map[string]any)); ok && f != nil {
			f(ans)
		}
	}}
	fake := geminitest.New(t, model.Handle)
	base = startConfiguredWith(t, map[string]string{"GEMINI_API_KEY": "AIzaSyFAKE-e2e-key-000000", "GOOGLE_GEMINI_BASE_URL": fake.URL},
		func(l *platform.Local) { l.Grounding = redirector.Resolver() })
	var created struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query":          "When will Apple announce the iPhone 18 release date?",
		"condition_description": "Apple officially announces the release date",
		"notify_behavior":       "always",
	}, &created))
	return base, created.ID
}

// Every run that notifies nobody says why, whichever way the run path stays silent: the model's
// own two reasons, the policy's three, and a failure. The task's view counts them.
func TestEverySilentRunSaysWhy(t *testing.T) {
	var edit atomic.Value
	// The first run (on creation) is unsure of the official news: held back.
	edit.Store(func(ans map[string]any) {
		if ans["notification"] != nil {
			ans["confidence"] = 40
		}
	})
	base, id := startSilence(t, iphoneWeb, &edit)
	runs := []struct {
		name string
		edit func(map[string]any)
		want task.SilenceReason // "" notifies
	}{
		{"unsure", nil, task.SilenceLowConfidence},
		{"cites a source the search never returned", func(ans map[string]any) { ans["source_ids"] = []int{7} }, task.SilenceUnsourced},
		{"the honest answer", func(map[string]any) {}, ""},
		{"the news was reported", func(map[string]any) {}, task.SilenceNothingNew},
		{"a model that repeats itself", func(ans map[string]any) {
			ans["notification"] = iphoneFact
			ans["new_facts"] = []string{iphoneFact}
			ans["source_ids"] = []int{1}
			ans["confidence"] = 95
			ans["silence_reason"] = nil
		}, task.SilenceAlreadyReported},
		{"an unusable answer", func(ans map[string]any) { ans["confidence"] = 500 }, task.SilenceFailed},
	}
	for i, r := range runs {
		if i > 0 {
			edit.Store(r.edit)
			require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/tasks/"+id+"/run", nil, nil))
		}
		e := agentE2EFinished(t, base, id, i+1)
		if r.want == "" {
			require.Equal(t, task.StatusSuccess, e.Status, "%s: %s", r.name, e.Error)
			require.True(t, e.Result.Notifies(), r.name)
			require.Nil(t, e.SilenceReason, "%s: a run that notified has no silence reason", r.name)
			continue
		}
		require.NotNil(t, e.SilenceReason, r.name)
		require.Equal(t, r.want, *e.SilenceReason, "%s (error %q)", r.name, e.Error)
		if r.want == task.SilenceFailed {
			require.Equal(t, task.StatusFailed, e.Status)
		} else {
			require.False(t, e.Result.Notifies(), r.name)
		}
	}

	var view contract.TaskView
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/tasks/"+id, nil, &view))
	require.Equal(t, contract.SilenceSummary{Runs: 6, Silent: 5, ByReason: map[task.SilenceReason]int{
		task.SilenceLowConfidence: 1, task.SilenceUnsourced: 1, task.SilenceNothingNew: 1,
		task.SilenceAlreadyReported: 1, task.SilenceFailed: 1},
		Sentence: "5 silent runs: 1 nothing new, 1 low confidence, 1 unsourced, 1 already reported, 1 failed"}, view.SilenceSummary)
	var list struct {
		Data []contract.TaskView `json:"data"`
	}
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/tasks", nil, &list))
	require.Len(t, list.Data, 1)
	require.Equal(t, view.SilenceSummary, list.Data[0].SilenceSummary, "lists carry the same summary")
}

// With no official news, only rumours, the model says the condition is not met: not the same
// silence as news already told.
func TestSilenceWithoutOfficialNewsIsConditionNotMet(t *testing.T) {
	var edit atomic.Value
	base, id := startSilence(t, iphoneWeb[1:], &edit)
	e := agentE2EFinished(t, base, id, 1)
	require.Equal(t, task.StatusSuccess, e.Status, e.Error)
	require.False(t, e.Result.Notifies())
	require.NotNil(t, e.SilenceReason)
	require.Equal(t, task.SilenceConditionNotMet, *e.SilenceReason)
	require.Contains(t, e.Result.Evidence, "Only rumours so far")

	var view contract.TaskView
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/tasks/"+id, nil, &view))
	require.Equal(t, "1 silent run: 1 condition not met", view.SilenceSummary.Sentence)
}

const iphoneFact = "Apple announced that iPhone 18 ships on 18 September 2026."
