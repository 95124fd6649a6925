package gemini

import (
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/task"
)

// DeepSearches bounds the searches of one deep run. Each search after the first is asked to
// follow up what the ones before it found, so three cover "find, check, confirm" without
// letting a run's cost grow without bound.
const DeepSearches = 3

// followUpRoom is how much of the earlier findings a follow-up search carries, in characters;
// the prompt truncates the watch at 2,000, so the user's own query always fits beside it.
const followUpRoom = 1400

// research is the search step of a run: one search for a routine run; for a deep run up to
// DeepSearches, each told what the earlier ones found, stopping early when a search adds no
// page. The searches reuse the one-search path (grounded or the configured Searcher) and their
// findings merge, so the decision cites every page any of them found.
func (a *Agent) research(ctx context.Context, in agent.Input) (search.Findings, task.Usage, error) {
	if in.Depth != task.DepthDeep {
		return a.searcher.Search(ctx, in)
	}
	var usage task.Usage
	var merged search.Findings
	step := in
	for i := 0; i < DeepSearches; i++ {
		f, u, err := a.searcher.Search(ctx, step)
		addUsage(&usage, u)
		if err != nil {
			// Decide on what the earlier searches found unless the run itself is ending.
			if i > 0 && ctx.Err() == nil {
				a.log.Warn("deep run: follow-up search failed; deciding on earlier findings",
					slog.Int("search", i+1), slog.String("error", err.Error()))
				break
			}
			return merged, usage, err
		}
		added := merge(&merged, f, i)
		a.log.Info("deep run: search done", slog.Int("search", i+1), slog.Int("new_pages", added),
			slog.Int("pages", len(merged.Pages)))
		if i > 0 && added == 0 {
			break // nothing new: the research has converged, decide
		}
		step.SearchQuery = followUp(in.SearchQuery, f.Summary)
	}
	return merged, usage, nil
}

// citeMark is a citation the search step put in a report: " [1, 2]".
var citeMark = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[(\d+(?:, \d+)*)\]`) })

// merge adds f to into and returns how many pages were new. The report's citations are
// renumbered to the merged list, so the decision reads each [n] as the page it lists as n.
func merge(into *search.Findings, f search.Findings, i int) int {
	before := len(into.Pages)
	ids := make(map[string]string, len(f.Pages))
	for j, p := range f.Pages {
		ids[strconv.Itoa(j+1)] = strconv.Itoa(into.AddPage(p))
	}
	f.Summary = citeMark().ReplaceAllStringFunc(f.Summary, func(m string) string {
		parts := strings.Split(m[1:len(m)-1], ", ")
		for k, n := range parts {
			if id, ok := ids[n]; ok {
				parts[k] = id
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	})
	into.Queries += f.Queries
	into.Asked = append(into.Asked, f.Asked...)
	if into.Provider == "" {
		into.Provider = f.Provider
	}
	if s := strings.TrimSpace(f.Summary); s != "" {
		if i > 0 {
			into.Summary += "\n\nFollow-up search:\n"
		}
		into.Summary += s
	}
	return len(into.Pages) - before
}

// followUp is the watch a follow-up search researches: the user's query, then what the earlier
// searches reported, with the ask to look for what it leaves open. It rides in the watch's
// fence, so the earlier report stays data to the model, as any web text is.
func followUp(query, found string) string {
	found = strings.TrimSpace(found)
	if n := followUpRoom; len(found) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(found[cut]) {
			cut--
		}
		found = found[:cut] + "…"
	}
	return strings.TrimSpace(query) + "\n\nEarlier searches for this watch reported what follows. Search again for what it " +
		"leaves open: newer facts, official confirmation of rumours, other sources.\n\n" + found
}
