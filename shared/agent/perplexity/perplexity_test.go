package perplexity_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/agent/perplexity"
	"github.com/torale-ai/torale/shared/agent/perplexity/perplexitytest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/task"
)

var now = time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)

var web = []perplexity.Result{
	{Title: "Apple Newsroom: iPhone 18", URL: "https://www.apple.com/newsroom/2026/11/iphone-18/", Date: "2026-11-28",
		Snippet: "OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026."},
	{Title: "iPhone 18 rumours", URL: "https://rumours.example.com/iphone-18", LastUpdated: "2026-11-20",
		Snippet: "RUMOUR: Leakers claim iPhone 18 could ship in late September."},
	{Title: "duplicate", URL: "https://www.apple.com/newsroom/2026/11/iphone-18/", Snippet: "same page again"},
	{Title: "not a web page", URL: "javascript:alert(1)", Snippet: "OFFICIAL: fake"},
}

func input() agent.Input {
	return agent.Input{SearchQuery: "When will Apple announce the iPhone 18 release date?",
		ConditionDescription: "Apple officially announces the release date", Timezone: "UTC", Now: now,
		NotifyBehavior: task.NotifyOnce}
}

func client(url string) *perplexity.Client {
	return perplexity.New(perplexity.Config{APIKey: "pplx-test", BaseURL: url, Backoff: time.Millisecond})
}

func TestSearchWireFormat(t *testing.T) {
	srv := perplexitytest.New(t, func(perplexity.Request) perplexitytest.Reply { return perplexitytest.Reply{Results: web} })
	f, usage, err := client(srv.URL).Search(context.Background(), input())
	require.NoError(t, err)
	seen := srv.Requests()
	require.Len(t, seen, 1)
	require.Equal(t, "Bearer pplx-test", seen[0].Auth)
	require.Equal(t, perplexity.Request{Query: "When will Apple announce the iPhone 18 release date?", MaxResults: 10,
		MaxTokensPerPage: 512}, seen[0].Body)

	require.Len(t, f.Pages, 2, "duplicates and non-web URLs are dropped")
	require.Equal(t, "https://www.apple.com/newsroom/2026/11/iphone-18/", f.Pages[0].URL)
	require.Equal(t, "2026-11-20", f.Pages[1].Date, "last_updated stands in for a missing date")
	require.Equal(t, 1, usage.SearchQueries)
	require.InDelta(t, 0.005, usage.CostUSD, 1e-12)
}

func TestSearchErrors(t *testing.T) {
	var calls atomic.Int32
	srv := perplexitytest.New(t, func(perplexity.Request) perplexitytest.Reply {
		if calls.Add(1) == 1 {
			return perplexitytest.Reply{Status: http.StatusTooManyRequests}
		}
		return perplexitytest.Reply{Results: web}
	})
	f, usage, err := client(srv.URL).Search(context.Background(), input())
	require.NoError(t, err, "a 429 is retried")
	require.Len(t, f.Pages, 2)
	require.Equal(t, 2, usage.SearchQueries, "both requests are counted")

	for status, want := range map[int]task.ErrorCategory{401: task.CategorySystem, 429: task.CategoryRateLimit,
		503: task.CategoryNetwork, 422: task.CategoryAgent} {
		srv := perplexitytest.New(t, func(perplexity.Request) perplexitytest.Reply { return perplexitytest.Reply{Status: status} })
		_, _, err := client(srv.URL).Search(context.Background(), input())
		require.Equal(t, want, agent.AsError(err).Category, "status %d", status)
	}
	srv.Close()
	_, _, err = client(srv.URL).Search(context.Background(), input())
	require.Equal(t, task.CategoryNetwork, agent.AsError(err).Category)
}

// With TORALE_SEARCH=perplexity, Perplexity searches and Gemini only decides: no grounded call,
// and the sources are Perplexity's page URLs.
func TestPerplexitySearchGeminiDecides(t *testing.T) {
	pplx := perplexitytest.New(t, func(perplexity.Request) perplexitytest.Reply { return perplexitytest.Reply{Results: web} })
	m := &geminitest.Model{Now: func() time.Time { return now }}
	gem := geminitest.New(t, m.Handle)
	a, err := gemini.New(context.Background(), gemini.Config{APIKey: "gemini-test-key", BaseURL: gem.URL,
		Searcher: client(pplx.URL), MinConfidence: 60, Log: logging.Discard()})
	require.NoError(t, err)
	out, err := a.Run(context.Background(), input())
	require.NoError(t, err)

	reqs := gem.Requests()
	require.Len(t, reqs, 1, "one model call: the decision")
	require.False(t, reqs[0].Grounded)
	require.Contains(t, reqs[0].User, "[1] Apple Newsroom: iPhone 18 — apple.com (2026-11-28)")
	require.True(t, out.Result.Notifies())
	require.Equal(t, []task.Source{{URL: "https://www.apple.com/newsroom/2026/11/iphone-18/", Title: "Apple Newsroom: iPhone 18"}},
		out.Result.Sources)
	require.Equal(t, 1, out.Usage.SearchQueries)
	want := config.DefaultPrices().Tokens(config.DefaultModel, out.Usage.PromptTokens, out.Usage.OutputTokens) + 0.005
	require.InDelta(t, want, out.Usage.CostUSD, 1e-9)
	t.Logf("scenario announced (perplexity) model=%s prompt_tokens=%d output_tokens=%d search_queries=%d cost_usd=%.6f",
		out.Usage.Model, out.Usage.PromptTokens, out.Usage.OutputTokens, out.Usage.SearchQueries, out.Usage.CostUSD)
}
