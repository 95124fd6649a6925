package platform_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/task"
)

// trailSite is a local web for a watch's pages: one page that answers the watch, and one for
// each way a read can fail. Its own address is the only one the page guard lets through, so
// the refusals are the production policy's (TORALE_PAGE_ALLOW_PRIVATE off).
func trailSite(t *testing.T) (site *httptest.Server, private string, reader *page.Reader, internalHits *atomic.Int64) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
	})
	mux.HandleFunc("/newsroom", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><head><title>Apple Newsroom</title></head><body><article>
<p>OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026.</p></article></body></html>`))
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	huge := strings.Repeat("<p>filler text</p>\n", 5<<20/19+1) // 5 MiB
	mux.HandleFunc("/huge", func(w http.ResponseWriter, _ *http.Request) {
		// Declared, so the refusal does not depend on how fast 2 MiB stream under the race
		// detector within the 300ms read timeout (a streamed page over the cap is
		// shared/page's TestPagesOverTheSizeCapAreRefused).
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(huge)))
		_, _ = w.Write([]byte(huge))
	})
	mux.HandleFunc("/hang", func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	site = httptest.NewServer(mux)
	t.Cleanup(site.Close)

	// A server at a private address the guard does not let through; nothing may reach it.
	internalHits = &atomic.Int64{}
	internal := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("internal secret"))
	}))
	internal.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			internalHits.Add(1)
		}
	}
	internal.Start()
	t.Cleanup(internal.Close)

	siteAddr := netip.MustParseAddrPort(site.Listener.Addr().String())
	internalAddr := netip.MustParseAddrPort(internal.Listener.Addr().String())
	o := page.GuardOptions(false)
	o.Allow = append(o.Allow, siteAddr)
	o.Ports = append(o.Ports, siteAddr.Port(), internalAddr.Port())
	reader = page.NewReader(netguard.New(o), page.Options{Timeout: 300 * time.Millisecond})
	return site, internal.URL + "/", reader, internalHits
}

// A watch's pages, read beside the search with the real agent and the scripted model: the page
// that answers becomes the run's source, and each page that cannot be read (a private address,
// a redirect to the metadata address, 5 MiB, one that never answers, one robots.txt refuses)
// is a step saying why in plain words, while the run itself succeeds. The run's steps come back
// from GET /executions/{id} in order, and their tokens and costs add up to its usage.
func TestRunTrailRecordsEveryStep(t *testing.T) {
	site, private, reader, internalHits := trailSite(t)
	model := &geminitest.Model{Web: iphoneWeb[1:]} // the search finds only a rumour
	fake := geminitest.New(t, model.Handle)
	base := startConfiguredWith(t, map[string]string{"GEMINI_API_KEY": "AIzaSyFAKE-e2e-key-000000", "GOOGLE_GEMINI_BASE_URL": fake.URL},
		func(l *platform.Local) { l.Pages = reader })

	urls := []string{site.URL + "/newsroom", private, site.URL + "/to-metadata", site.URL + "/huge", site.URL + "/hang",
		site.URL + "/private/roadmap"}
	var created contract.TaskView
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query":          "When will Apple announce the iPhone 18 release date?",
		"condition_description": "Apple officially announces the release date",
		"urls":                  urls,
	}, &created))

	run := agentE2EFinished(t, base, created.ID.String(), 1)
	require.Equal(t, task.StatusSuccess, run.Status, "error: %s", run.Error)
	require.True(t, run.Result.Notifies())
	require.Equal(t, []contract.Source{{URL: site.URL + "/newsroom", Title: "Apple Newsroom"}}, run.Result.Sources)
	require.Zero(t, internalHits.Load(), "no connection reached the private address")

	var got contract.ExecutionDetail
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/executions/"+run.ID.String(), nil, &got))
	require.Equal(t, run.ID, got.ID)

	failures := map[string]string{}
	var kinds []task.StepKind
	var prompt, output int
	var cost float64
	for _, s := range got.Steps {
		kinds = append(kinds, s.Kind)
		require.Equal(t, 1, s.Attempt)
		require.False(t, s.At.IsZero())
		if s.Kind == task.StepPage {
			failures[s.URL] = s.Failure
		}
		if s.PromptTokens != nil {
			prompt += *s.PromptTokens
		}
		if s.OutputTokens != nil {
			output += *s.OutputTokens
		}
		if s.CostUSD != nil {
			cost += *s.CostUSD
		}
	}
	require.Equal(t, map[string]string{
		site.URL + "/newsroom":        "",
		private:                       "Torale does not read this address: 127.0.0.1 is not a public internet address",
		site.URL + "/to-metadata":     "the page redirected to an address Torale does not read: 169.254.169.254 is not a public internet address",
		site.URL + "/huge":            "the page is larger than 2 MiB",
		site.URL + "/hang":            "the page did not answer within 300ms",
		site.URL + "/private/roadmap": `robots.txt on 127.0.0.1 does not let ToraleBot read /private/roadmap (rule "Disallow: /private/" for user-agent "*")`,
	}, failures)

	// The search (its model call, then the search it ran) and the page reads go on together;
	// the decision's model call and the decision come last, once every read has ended.
	require.Len(t, kinds, 2+len(urls)+2, "steps: %v", kinds)
	require.Equal(t, []task.StepKind{task.StepModel, task.StepDecision}, kinds[len(kinds)-2:])
	// Which of the search and the reads ends first is the machine's business; each is there.
	var search, searchCall contract.Step
	for _, s := range got.Steps {
		switch {
		case s.Kind == task.StepSearch:
			search = s
		case s.Kind == task.StepModel && s.Purpose == "search":
			searchCall = s
		}
	}
	require.Positive(t, *searchCall.PromptTokens)
	require.Equal(t, "decide", got.Steps[len(got.Steps)-2].Purpose)
	require.NotEmpty(t, search.Queries)
	require.Equal(t, 1, *search.Results)
	for _, s := range got.Steps {
		if s.Kind == task.StepPage && s.Failure == "" {
			require.Equal(t, http.StatusOK, s.Status)
			require.Positive(t, s.Bytes)
		}
	}
	decision := got.Steps[len(got.Steps)-1]
	require.True(t, *decision.Notifies)
	require.Equal(t, run.Result.Confidence, *decision.Confidence)

	require.Positive(t, prompt)
	require.Equal(t, run.Usage.PromptTokens, prompt, "the model calls' input tokens are the run's")
	require.Equal(t, run.Usage.OutputTokens, output)
	require.InDelta(t, run.Usage.CostUSD, cost, 1e-9, "the steps' costs are the run's")
}
