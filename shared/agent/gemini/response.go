package gemini

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"google.golang.org/genai"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// errEmpty means the model answered with nothing usable: no candidate, or no text.
var errEmpty = errors.New("the model's answer was empty")

// blocked reasons: the provider refused the prompt or the answer for its content. Asking again
// will not help, so these fail the run at once.
var blockedFinish = map[genai.FinishReason]bool{
	genai.FinishReasonSafety: true, genai.FinishReasonProhibitedContent: true,
	genai.FinishReasonBlocklist: true, genai.FinishReasonSPII: true,
}

// answer returns the first candidate and its text (thoughts left out). It fails with a
// permanent *agent.Error when the provider blocked the exchange, and with errEmpty when there
// is nothing to read.
func answer(resp *genai.GenerateContentResponse) (*genai.Candidate, string, error) {
	if fb := resp.PromptFeedback; fb != nil && fb.BlockReason != "" {
		return nil, "", blockedError(string(fb.BlockReason))
	}
	if len(resp.Candidates) == 0 || resp.Candidates[0] == nil {
		return nil, "", errEmpty
	}
	c := resp.Candidates[0]
	if blockedFinish[c.FinishReason] {
		return c, "", blockedError(string(c.FinishReason))
	}
	var b strings.Builder
	if c.Content != nil {
		for _, p := range c.Content.Parts {
			if p != nil && !p.Thought {
				b.WriteString(p.Text)
			}
		}
	}
	text := strings.TrimSpace(b.String())
	if text == "" {
		if c.FinishReason == genai.FinishReasonMaxTokens {
			return c, "", fmt.Errorf("%w (it ran out of output tokens)", errEmpty)
		}
		return c, "", errEmpty
	}
	return c, b.String(), nil
}

func blockedError(reason string) error {
	return &agent.Error{Category: task.CategoryAgent,
		Message: "the model provider blocked this check for its content (" + strings.ToLower(reason) + ")",
		Err:     fmt.Errorf("blocked: %s", reason)}
}

// groundedFindings reads what a grounded call found: its report, with [n] citation markers
// placed where the grounding supports say, and the web pages of its grounding chunks. Sources
// come only from the chunks, never from the report's text.
func groundedFindings(text string, c *genai.Candidate) search.Findings {
	f := search.Findings{Provider: config.SearchGemini}
	gm := c.GroundingMetadata
	if gm == nil {
		f.Summary = strings.TrimSpace(text)
		return f
	}
	ids := make([]int, len(gm.GroundingChunks)) // chunk index → page id, 0 when not a web page
	for i, ch := range gm.GroundingChunks {
		if ch == nil || ch.Web == nil || ch.Web.URI == "" {
			continue
		}
		title := ch.Web.Title
		if title == "" {
			title = ch.Web.Domain
		}
		ids[i] = f.AddPage(search.Page{URL: ch.Web.URI, Title: title})
	}
	f.Summary = strings.TrimSpace(cite(text, gm.GroundingSupports, ids, singlePart(c)))
	f.Queries = len(gm.WebSearchQueries)
	f.Asked = append([]string(nil), gm.WebSearchQueries...)
	if f.Queries == 0 && len(f.Pages) > 0 {
		f.Queries = 1 // grounded without reporting its queries: the search still ran
	}
	return f
}

func singlePart(c *genai.Candidate) bool {
	n := 0
	if c.Content != nil {
		for _, p := range c.Content.Parts {
			if p != nil && !p.Thought && p.Text != "" {
				n++
			}
		}
	}
	return n == 1
}

// cite inserts " [1, 2]" after each supported segment. Segment offsets are UTF-8 byte offsets
// into one part's text, so markers are placed only when the answer is a single part, and only
// at rune boundaries inside the text; anything else is ignored rather than trusted.
func cite(text string, supports []*genai.GroundingSupport, ids []int, single bool) string {
	if !single {
		return text
	}
	marks := map[int][]int{}
	for _, s := range supports {
		if s == nil || s.Segment == nil {
			continue
		}
		end := int(s.Segment.EndIndex)
		if end <= 0 || end > len(text) || (end < len(text) && !utf8.RuneStart(text[end])) {
			continue
		}
		for _, ci := range s.GroundingChunkIndices {
			if ci >= 0 && int(ci) < len(ids) && ids[ci] > 0 {
				marks[end] = appendUnique(marks[end], ids[ci])
			}
		}
	}
	ends := make([]int, 0, len(marks))
	for end := range marks {
		ends = append(ends, end)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ends)))
	for _, end := range ends {
		sort.Ints(marks[end])
		parts := make([]string, len(marks[end]))
		for i, id := range marks[end] {
			parts[i] = fmt.Sprint(id)
		}
		text = text[:end] + " [" + strings.Join(parts, ", ") + "]" + text[end:]
	}
	return text
}

func appendUnique(list []int, v int) []int {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
