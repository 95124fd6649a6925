package task

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/pageurl"
)

// Limits on the pages a task reads and the background it carries.
const (
	// MaxURLs is how many pages a task may list; every run reads them all.
	MaxURLs       = pageurl.MaxPages
	maxPageURLLen = 2048
	maxContext    = 4000
)

// normalizeURLs checks each page address with pageurl.Parse (what page.ParseURL checks) (an absolute http or https URL; the
// SSRF guard decides at read time, hop by hop, whether its host may be reached) and returns them
// without fragments, each once. Problems name urls[i] so a client shows them by the right input.
func normalizeURLs(raw []string, errs *problems) []string {
	if len(raw) > MaxURLs {
		errs.add("urls", fmt.Sprintf("must list at most %d pages, not %d", MaxURLs, len(raw)))
		return nil
	}
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, 0, len(raw))
	seen := make(map[string]int, len(raw))
	for i, r := range raw {
		field := fmt.Sprintf("urls[%d]", i)
		r = strings.TrimSpace(r)
		if r == "" {
			errs.add(field, "must not be empty")
			continue
		}
		if utf8.RuneCountInString(r) > maxPageURLLen {
			errs.add(field, fmt.Sprintf("must be at most %d characters", maxPageURLLen))
			continue
		}
		if msg := textProblem(r, 0, maxPageURLLen, false); msg != "" {
			errs.add(field, msg)
			continue
		}
		u, err := pageurl.Parse(r)
		if err != nil {
			errs.add(field, err.Error())
			continue
		}
		s := u.String()
		if j, ok := seen[s]; ok {
			errs.add(field, fmt.Sprintf("is the same page as urls[%d]", j))
			continue
		}
		seen[s] = i
		out = append(out, s)
	}
	return out
}

// normalizeContext checks the background a user gives the agent like a search query: text
// with newlines, no control or hidden characters (it reaches a model, where a hidden direction
// change or zero-width character can carry what the user never saw), at most 4,000 characters.
func normalizeContext(raw string, errs *problems) string {
	s := cleanText(raw)
	if msg := textProblem(s, 0, maxContext, true); msg != "" {
		errs.add("context", msg)
	} else if msg := HiddenProblem(s); msg != "" {
		errs.add("context", msg)
	}
	return s
}
