package gemini

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/task"
)

// PageReader reads the pages a watch lists (page.Reader).
type PageReader interface {
	ReadAll(ctx context.Context, reqs []page.Request) ([]page.Result, error)
}

// pageReads is the outcome of reading a watch's pages: the pages read, and a sentence for each
// that could not be.
type pageReads struct {
	pages  []search.Page
	failed []string
}

// readPages starts reading urls at once, within ctx (the run's deadline), and returns a
// function that waits for them. A page that fails is a reason in words, never a failed run:
// the search may still answer the watch.
func (a *Agent) readPages(ctx context.Context, urls []string) func() pageReads {
	if len(urls) == 0 {
		return func() pageReads { return pageReads{} }
	}
	if a.pages == nil {
		for _, u := range urls {
			agent.Record(ctx, task.Step{Kind: task.StepPage, At: time.Now(), URL: u, Failure: "this agent reads no pages"})
		}
		return func() pageReads {
			return pageReads{failed: []string{"The watch's pages were not read: this agent reads no pages."}}
		}
	}
	done := make(chan pageReads, 1)
	go func() {
		reqs := make([]page.Request, len(urls))
		for i, u := range urls {
			reqs[i] = page.Request{URL: u}
		}
		var out pageReads
		began := time.Now()
		results, err := a.pages.ReadAll(ctx, reqs)
		if err != nil {
			out.failed = append(out.failed, "The watch's pages were not read: "+page.Reason(err)+".")
		}
		for i, r := range results {
			agent.Record(ctx, page.Step(reqs[i], r.Page, r.Err, began))
			if r.Err != nil {
				reason := page.Reason(r.Err)
				a.log.Info("page not read", slog.String("url", urls[i]), slog.String("reason", reason))
				out.failed = append(out.failed, fmt.Sprintf("%s could not be read: %s.", urls[i], reason))
				continue
			}
			src := r.Page.Source()
			src.Read = true
			out.pages = append(out.pages, src)
		}
		done <- out
	}()
	return func() pageReads { return <-done }
}

// withPages adds the read pages to the search's findings, after the search's own pages so the
// report's citation numbers stay right.
func withPages(f search.Findings, reads pageReads) search.Findings {
	if len(reads.pages) == 0 {
		return f
	}
	f.Pages = append([]search.Page(nil), f.Pages...)
	for _, p := range reads.pages {
		f.AddPage(p)
	}
	return f
}

// withFailures tells the user, in the run's evidence, which pages could not be read and why.
func withFailures(evidence string, reads pageReads) string {
	if len(reads.failed) == 0 {
		return evidence
	}
	return strings.TrimSpace(evidence + "\n\n" + strings.Join(reads.failed, "\n"))
}

// findingsOf is what the decision saw, as the run keeps it: the search's report, then each
// page as the decision numbers it, capped by agent.CapFindings.
func findingsOf(f search.Findings) []task.Finding {
	out := make([]task.Finding, 0, len(f.Pages)+1)
	if s := strings.TrimSpace(f.Summary); s != "" {
		out = append(out, task.Finding{Kind: "report", Text: s})
	}
	for _, p := range f.Pages {
		out = append(out, task.Finding{Kind: "page", URL: p.URL, Title: p.Title, Text: p.Snippet, Read: p.Read})
	}
	return agent.CapFindings(out)
}
