package verdict

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/task"
)

// Policy is what a decision must respect to notify anyone.
type Policy struct {
	// MinConfidence holds back notifications from less sure answers.
	MinConfidence int
	// Memory lists the facts already reported for the task.
	Memory []string
	// Secrets are values (API keys) that must never appear in a result; an answer that holds one
	// is refused as invalid.
	Secrets []string
}

// Decision is a validated run.
type Decision struct {
	Result task.Result
	// Facts are what the task's memory should keep; set only when Result notifies.
	Facts []string
	// DroppedSources counts citations of sources the search never returned.
	DroppedSources int
	// HeldBack, when set, is why a notification the model wrote was not sent.
	HeldBack string
	// SilenceReason is why Result notifies nobody: the model's own reason, or the policy's when
	// it held a notification back; empty when Result notifies.
	SilenceReason task.SilenceReason
}

// Apply turns a parsed answer over the search's pages into a result. Sources come only from
// pages. A notification is held back when it carries a link no page backs, when no source backs
// it, when confidence is under the minimum, or when everything it reports was reported before.
func (p Policy) Apply(a Answer, pages []search.Page) (Decision, error) {
	if err := p.checkSecrets(a); err != nil {
		return Decision{}, err
	}
	var d Decision
	// Evidence and topic are shown to the user too: links no search result backs go from them.
	evidence, _ := stripUnknownLinks(a.Evidence, pages, linkRemoved)
	topic, removed := stripUnknownLinks(a.Topic, pages, "")
	if removed > 0 {
		topic = ""
	}
	d.Result = task.Result{Evidence: evidence, Confidence: a.Confidence, NextRun: a.NextRun, Topic: topic}
	d.Result.Sources, d.DroppedSources = sources(a.SourceIDs, pages)
	if a.Notification == nil {
		d.SilenceReason = a.SilenceReason
		return d, nil
	}
	note, removed := stripUnknownLinks(*a.Notification, pages, "")
	switch {
	case removed > 0:
		// The rules forbid links; one that no search result backs is how injected text would
		// phish, so the whole notification goes.
		d.HeldBack, d.SilenceReason = "the notification carried a link that no search source backs", task.SilenceUnsourced
	case len(d.Result.Sources) == 0:
		d.HeldBack, d.SilenceReason = "no source the search returned backs the notification", task.SilenceUnsourced
	case a.Confidence < p.MinConfidence:
		d.HeldBack = fmt.Sprintf("confidence %d is below the minimum of %d", a.Confidence, p.MinConfidence)
		d.SilenceReason = task.SilenceLowConfidence
	case p.alreadyReported(note, a.NewFacts):
		d.HeldBack, d.SilenceReason = "it was already reported", task.SilenceAlreadyReported
	}
	if d.HeldBack != "" {
		d.Result.Evidence += "\n\nSilent because " + d.HeldBack + "."
		return d, nil
	}
	d.Result.Notification = &note
	d.Facts = a.NewFacts
	if len(d.Facts) == 0 {
		d.Facts = []string{cut(strings.Join(strings.Fields(note), " "), maxFact)}
	}
	return d, nil
}

func (p Policy) checkSecrets(a Answer) error {
	fields := append([]string{a.Evidence, a.Topic}, a.NewFacts...)
	if a.Notification != nil {
		fields = append(fields, *a.Notification)
	}
	for _, secret := range p.Secrets {
		if len(secret) < 8 {
			continue // too short to tell from ordinary text
		}
		for _, f := range fields {
			if strings.Contains(f, secret) {
				return invalid("the answer contained text it must never contain", "a configured secret")
			}
		}
	}
	return nil
}

// sources maps cited numbers to the pages they name, dropping numbers outside the list and
// repeats.
func sources(ids []int, pages []search.Page) ([]task.Source, int) {
	var out []task.Source
	dropped := 0
	seen := map[int]bool{}
	for _, id := range ids {
		if id < 1 || id > len(pages) {
			dropped++
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		pg := pages[id-1]
		title := cut(pg.Title, 300)
		if title == "" {
			if u, err := url.Parse(pg.URL); err == nil {
				title = u.Hostname()
			}
		}
		out = append(out, task.Source{URL: clean(pg.URL), Title: title})
	}
	return out, dropped
}

var (
	markdownLink = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\[([^\]]*)\]\(\s*<?([a-zA-Z][a-zA-Z0-9+.-]*:[^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	})
	bareLink = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:https?|ftp|javascript|data):[^\s<>()\[\]"'` + "`" + `]+|\bwww\.[^\s<>()\[\]"'` + "`" + `]+`)
	})
)

// linkRemoved stands where a link was taken out of the evidence.
const linkRemoved = "[link removed]"

// stripUnknownLinks replaces every link in note whose URL is not one of the pages' with repl,
// keeping a markdown link's text, and reports how many it removed.
func stripUnknownLinks(note string, pages []search.Page, repl string) (string, int) {
	known := map[string]bool{}
	for _, p := range pages {
		known[p.URL] = true
	}
	removed := 0
	note = markdownLink().ReplaceAllStringFunc(note, func(m string) string {
		sub := markdownLink().FindStringSubmatch(m)
		if known[sub[2]] {
			return m
		}
		removed++
		return sub[1]
	})
	note = bareLink().ReplaceAllStringFunc(note, func(m string) string {
		url := strings.TrimRight(m, ".,;:!?")
		if known[url] {
			return m
		}
		removed++
		return repl + m[len(url):]
	})
	return strings.TrimSpace(note), removed
}

// alreadyReported is true when the notification, or every fact it reports, is in memory.
func (p Policy) alreadyReported(note string, facts []string) bool {
	if len(p.Memory) == 0 {
		return false
	}
	mem := map[string]bool{}
	for _, m := range p.Memory {
		mem[normalize(m)] = true
	}
	if mem[normalize(note)] {
		return true
	}
	if len(facts) == 0 {
		return false
	}
	for _, f := range facts {
		if !mem[normalize(f)] {
			return false
		}
	}
	return true
}

// normalize makes facts comparable across runs: case, spacing and closing punctuation aside.
func normalize(s string) string {
	return strings.TrimRight(strings.ToLower(strings.Join(strings.Fields(s), " ")), ".!;:,")
}
