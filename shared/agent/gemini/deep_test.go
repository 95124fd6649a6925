package gemini_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/task"
)

// steppedWeb answers the n-th search with webs[n] (the last one after that), with grounding
// URIs unique per search as the real API's are, and lets the decisions to the model over every
// page found.
func steppedWeb(webs ...[]geminitest.Page) geminitest.Handler {
	m := model()
	searches := 0
	return func(req geminitest.Request) geminitest.Response {
		if !req.Grounded {
			return m.Handle(req)
		}
		web := webs[min(searches, len(webs)-1)]
		searches++
		r := geminitest.Grounded(web, []string{fmt.Sprintf("search %d", searches)}, geminitest.Usage{Prompt: 10, Candidates: 10})
		cand := r.Body.(map[string]any)["candidates"].([]any)[0].(map[string]any)
		for _, ch := range cand["groundingMetadata"].(map[string]any)["groundingChunks"].([]any) {
			w := ch.(map[string]any)["web"].(map[string]any)
			w["uri"] = w["uri"].(string) + "-" + w["title"].(string)
		}
		return r
	}
}

func TestDeepRunSearchesThenDecides(t *testing.T) {
	// The first search finds only a rumour; the follow-up, told of it, finds the announcement;
	// the third finds nothing new, so the research has converged and the agent decides.
	f := newAgent(t, steppedWeb([]geminitest.Page{rumour}, []geminitest.Page{rumour, announced}, []geminitest.Page{announced}))
	in := input()
	in.Depth = task.DepthDeep
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)

	var searches []geminitest.Request
	for _, r := range f.server.Requests() {
		if r.Grounded {
			searches = append(searches, r)
		}
	}
	require.Len(t, searches, gemini.DeepSearches, "three searches, then the decision")
	require.NotContains(t, searches[0].User, "Earlier searches")
	require.Contains(t, searches[1].User, "Leakers claim", "the follow-up carries what the first search found")
	require.Contains(t, searches[2].User, "Apple announced", "each follow-up carries the one before it")
	for _, s := range searches[1:] {
		require.Equal(t, strings.Count(searches[0].User, "<untrusted_data"), strings.Count(s.User, "<untrusted_data"),
			"the earlier report rides inside the watch's fence, not a fence or instructions of its own")
	}

	require.True(t, out.Result.Notifies(), "the decision saw the announcement the follow-up found")
	require.Equal(t, 3, out.Usage.SearchQueries)
	require.Len(t, out.Result.Sources, 1)
	require.Equal(t, "apple.com", out.Result.Sources[0].Title)
}

func TestDeepRunStopsWhenNothingNew(t *testing.T) {
	f := newAgent(t, steppedWeb([]geminitest.Page{announced}, []geminitest.Page{}))
	in := input()
	in.Depth = task.DepthDeep
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	require.Len(t, f.server.Requests(), 3, "two searches (the second found nothing new), one decision")
	require.True(t, out.Result.Notifies())
}

func TestRoutineRunSearchesOnce(t *testing.T) {
	f := newAgent(t, steppedWeb([]geminitest.Page{rumour}, []geminitest.Page{announced}))
	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err)
	require.Len(t, f.server.Requests(), 2, "one search, one decision")
	require.False(t, out.Result.Notifies())
}
