package gemini

import (
	"context"
	"log/slog"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/task"
)

// readable swaps each grounding redirect among srcs for the page it leads to, once per link
// (the resolver caches), keeping the source's title. Only the cited sources are resolved, not
// every page the search found, so a run costs a request or two at most. A link that cannot be
// resolved stays as it is, titled with its site's host when it had no title, so a reader still
// sees whose page it is; two redirects to one page become one source.
func (a *Agent) readable(ctx context.Context, srcs []task.Source) []task.Source {
	if a.links == nil || len(srcs) == 0 {
		return srcs
	}
	pages := make([]search.Page, len(srcs))
	for i, s := range srcs {
		pages[i] = search.Page{URL: s.URL, Title: s.Title}
	}
	out := make([]task.Source, 0, len(srcs))
	seen := make(map[string]bool, len(srcs))
	for i, l := range a.links.ResolvePages(ctx, pages) {
		s := srcs[i]
		if l.Err != nil {
			a.log.Warn("grounding link not resolved", slog.String("url", l.Redirect), slog.String("error", l.Err.Error()))
		}
		s.URL = l.URL
		if s.Title == "" {
			s.Title = l.Host
		}
		if seen[s.URL] {
			continue
		}
		seen[s.URL] = true
		out = append(out, s)
	}
	return out
}
