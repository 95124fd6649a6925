package gemini

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/task"
)

// DeepPages bounds the search results a deep run reads itself. The search quotes a page in a
// sentence or two; reading the few the report leans on gives the decision their own words, at
// the cost of a few seconds and no model call.
const DeepPages = 3

// readPicked reads, in a deep run, the pages the model picked from its search results: those
// its report cites, most cited first (ties in the order they were cited), up to DeepPages,
// leaving out the pages the watch lists (read already). Each read is a step of the trail and
// runs within ctx (the run's deadline); a page read replaces the search's snippet with its own
// text and title, keeping its number so the report's citations still point at it. A page that
// cannot be read keeps the snippet the search gave.
func (a *Agent) readPicked(ctx context.Context, f search.Findings, listed []string) search.Findings {
	if a.pages == nil {
		return f
	}
	picks := picked(f, listed)
	if len(picks) == 0 {
		return f
	}
	f.Pages = append([]search.Page(nil), f.Pages...)
	picks, reqs := a.destinations(ctx, f.Pages, picks)
	if len(reqs) == 0 {
		return f
	}
	began := time.Now()
	results, err := a.pages.ReadAll(ctx, reqs)
	if err != nil {
		a.log.Warn("deep run: picked pages not read", slog.String("error", err.Error()))
		return f
	}
	for i, r := range results {
		agent.Record(ctx, page.Step(reqs[i], r.Page, r.Err, began))
		if r.Err != nil || r.Page.NotModified || strings.TrimSpace(r.Page.Text) == "" {
			continue
		}
		p := &f.Pages[picks[i]]
		p.URL, p.Snippet = reqs[i].URL, r.Page.Text
		if r.Page.Title != "" {
			p.Title = r.Page.Title
		}
	}
	return f
}

// destinations turns the picked pages' grounding redirect links into the pages' own addresses
// (the resolver caches them, so the sources' resolution later costs nothing), since reading
// through the redirect would ask Google's robots.txt rather than the site's. A link that does
// not resolve is a step saying so, and that page keeps the search's snippet.
func (a *Agent) destinations(ctx context.Context, pages []search.Page, picks []int) ([]int, []page.Request) {
	var kept []int
	var reqs []page.Request
	for _, n := range picks {
		u := pages[n].URL
		if a.links != nil && a.links.IsRedirect(u) {
			start := time.Now()
			l := a.links.Resolve(ctx, u, pages[n].Title)
			if !l.Resolved {
				agent.Record(ctx, task.Step{Kind: task.StepPage, At: start, Duration: time.Since(start), URL: u,
					Failure: "the search's link to the page could not be followed to the page's own address"})
				continue
			}
			u = l.URL
		}
		kept, reqs = append(kept, n), append(reqs, page.Request{URL: u})
	}
	return kept, reqs
}

// picked returns the indexes into f.Pages of the pages to read: cited in the report, most
// cited first, not among listed, not read already.
func picked(f search.Findings, listed []string) []int {
	skip := make(map[string]bool, len(listed))
	for _, u := range listed {
		skip[u] = true
	}
	count := map[int]int{}
	var order []int
	for _, m := range citeMark().FindAllStringSubmatch(f.Summary, -1) {
		for _, s := range strings.Split(m[1], ", ") {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > len(f.Pages) {
				continue
			}
			i := n - 1
			if p := f.Pages[i]; p.Read || skip[p.URL] {
				continue
			}
			if count[i] == 0 {
				order = append(order, i)
			}
			count[i]++
		}
	}
	// Stable: equal counts keep the order of first citation.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && count[order[j]] > count[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	if len(order) > DeepPages {
		order = order[:DeepPages]
	}
	return order
}
