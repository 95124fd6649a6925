package gemini_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/task"
)

// storyWeb is a search that quotes a page only as a rumour, while the page itself, read in
// full, carries the announcement; its grounding link is the local page's own address.
func storyWeb(t *testing.T) (geminitest.Handler, string) {
	t.Helper()
	return storyWebAt(t, nil)
}

// storyWebAt is storyWeb with the grounding link made by link from the page's address (a
// grounding redirect to it), when link is set.
func storyWebAt(t *testing.T, link func(story string) string) (geminitest.Handler, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><head><title>The full story</title></head><body><article>
<p>OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026.</p></article></body></html>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	story := srv.URL + "/story"
	uri := story
	if link != nil {
		uri = link(story)
	}
	m := model()
	return func(req geminitest.Request) geminitest.Response {
		if !req.Grounded {
			return m.Handle(req)
		}
		r := geminitest.Grounded([]geminitest.Page{rumour}, []string{"iphone 18 release date"}, geminitest.Usage{Prompt: 10, Candidates: 10})
		cand := r.Body.(map[string]any)["candidates"].([]any)[0].(map[string]any)
		for _, ch := range cand["groundingMetadata"].(map[string]any)["groundingChunks"].([]any) {
			ch.(map[string]any)["web"].(map[string]any)["uri"] = uri
		}
		return r
	}, story
}

// A deep run reads the page its search's report cites, through the page reader and within the
// run: the decision sees the page's own words (the announcement the search only quoted as a
// rumour), the read is a step of the trail, and the page's text is among the findings kept.
// A routine run reads none.
func TestDeepRunReadsThePagesItsSearchCites(t *testing.T) {
	h, story := storyWeb(t)
	f := newAgent(t, h, func(c *gemini.Config) { c.Pages = reader(true) })
	in := input()
	in.Depth = task.DepthDeep
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	require.True(t, out.Result.Notifies(), "the decision read the page's own text")
	require.Equal(t, []task.Source{{URL: story, Title: "The full story"}}, out.Result.Sources)

	var reads []task.Step
	for _, s := range out.Steps {
		if s.Kind == task.StepPage {
			reads = append(reads, s)
		}
	}
	require.Len(t, reads, 1)
	require.Equal(t, story, reads[0].URL)
	require.Equal(t, http.StatusOK, reads[0].Status)
	require.Positive(t, reads[0].Bytes)
	require.Empty(t, reads[0].Failure)
	last := out.Steps[len(out.Steps)-1]
	require.Equal(t, task.StepDecision, last.Kind)
	require.True(t, last.Notifies)

	var kept bool
	for _, fd := range out.Findings {
		if fd.URL == story {
			require.Contains(t, fd.Text, "OFFICIAL: Apple announced")
			kept = true
		}
	}
	require.True(t, kept, "the page's text is among the findings")

	routine := newAgent(t, h, func(c *gemini.Config) { c.Pages = reader(true) })
	out, err = routine.agent.Run(context.Background(), input())
	require.NoError(t, err)
	require.False(t, out.Result.Notifies(), "a routine run decides on the search alone")
	for _, s := range out.Steps {
		require.NotEqual(t, task.StepPage, s.Kind, "a routine run reads no page it did not list")
	}
}

// Every model call and search is a step, and their tokens and costs add up to the run's usage.
func TestStepsAddUpToUsage(t *testing.T) {
	f := newAgent(t, model(rumour, announced).Handle)
	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err)
	var prompt, output int
	var cost float64
	var kinds []task.StepKind
	for _, s := range out.Steps {
		kinds = append(kinds, s.Kind)
		prompt, output, cost = prompt+s.PromptTokens, output+s.OutputTokens, cost+s.CostUSD
	}
	require.Equal(t, []task.StepKind{task.StepModel, task.StepSearch, task.StepModel, task.StepDecision}, kinds)
	require.Equal(t, []string{"search", "decide"}, []string{out.Steps[0].Purpose, out.Steps[2].Purpose})
	require.Equal(t, 2, out.Steps[1].Results)
	require.NotEmpty(t, out.Steps[1].Queries)
	require.Equal(t, out.Usage.PromptTokens, prompt)
	require.Equal(t, out.Usage.OutputTokens, output)
	require.InDelta(t, out.Usage.CostUSD, cost, 1e-12)
	require.Equal(t, "report", out.Findings[0].Kind)
	require.Len(t, out.Findings, 3, "the report and the two pages")
}

// A grounding redirect link is followed to the page's own address before the read, so the
// site's robots.txt is asked rather than Google's, and the source is the page's address.
func TestDeepRunReadsThroughGroundingRedirects(t *testing.T) {
	var rd *geminitest.Redirector
	h, story := storyWebAt(t, func(story string) string {
		rd = geminitest.NewRedirector(t, []geminitest.Page{{URL: story}})
		return geminitest.RedirectAt(rd.URL, 0)
	})
	f := newAgent(t, h, func(c *gemini.Config) { c.Pages, c.Links = reader(true), rd.Resolver() })
	in := input()
	in.Depth = task.DepthDeep
	out, err := f.agent.Run(context.Background(), in)
	require.NoError(t, err)
	require.True(t, out.Result.Notifies())
	require.Equal(t, []task.Source{{URL: story, Title: "The full story"}}, out.Result.Sources)
	var reads []string
	for _, s := range out.Steps {
		if s.Kind == task.StepPage {
			reads = append(reads, s.URL)
			require.Empty(t, s.Failure)
		}
	}
	require.Equal(t, []string{story}, reads, "the page itself was read, not the redirect")
	require.Positive(t, rd.Hits())
}
