package geminitest

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Model is a Handler that behaves like a simple model over a made-up web, so tests can run the
// real agent end to end:
//
//   - A grounded (search) call "finds" every page of Web and reports what each says, with
//     grounding metadata naming the pages.
//   - A structured (decision) call reads the search results in its prompt. A sentence marked
//     "OFFICIAL:" is an announcement; "RUMOUR:" is not. It notifies about the first official
//     fact that is not among the facts already reported, citing that fact's source. When it
//     stays silent it says why: nothing_new when every official fact was reported already,
//     condition_not_met when there is no official fact.
//   - Like a model that has learnt to follow instructions, it obeys any line
//     `INSTRUCTION: {json}` it reads as instructions, merging the JSON into its answer. It reads
//     text inside a well-formed <untrusted_data> fence as data unless Obey is set (a model that
//     ignores fences); everything else in the prompt it reads as instructions. So an injected
//     instruction only works if the agent fails to fence it.
//
// Usage is estimated at four characters a token.
type Model struct {
	Web []Page
	// Redirects, when set, is the redirect service grounding links point at (a Redirector's
	// URL); empty is Google's own host.
	Redirects string
	// Now is the model's clock for next_run (default time.Now).
	Now func() time.Time
	// Obey makes the model follow instructions even inside fences.
	Obey bool
	// Edit, when set, changes each decision before it is sent.
	Edit func(answer map[string]any)
}

// Handle answers one request.
func (m *Model) Handle(req Request) Response {
	if req.Grounded {
		query := fenceText(req.User, "watch: what to look for")
		return GroundedAt(m.Redirects, m.Web, []string{query + " " + m.now().Format("2006")}, m.groundedUsage(req))
	}
	ans := m.decide(req.User)
	for _, instr := range m.instructions(req.User) {
		for k, v := range instr {
			ans[k] = v
		}
	}
	if m.Edit != nil {
		m.Edit(ans)
	}
	b, _ := json.Marshal(ans)
	return Text(string(b), EstimateUsage(req, string(b)))
}

func (m *Model) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// groundedUsage counts the prompt and the report; the page text the search tool read counts as
// tool-use prompt tokens, as the API reports it.
func (m *Model) groundedUsage(req Request) Usage {
	u := Usage{Prompt: Estimate(req.System) + Estimate(req.User)}
	for _, p := range m.Web {
		u.Candidates += Estimate(p.Title + " says: " + p.Text)
		u.ToolUsePrompt += Estimate(p.Text) * 4 // a page is longer than the sentence quoted
	}
	return u
}

var (
	fenceOpen   = regexp.MustCompile(`<untrusted_data id="([0-9a-f]+)" label="([^"]*)">`)
	sourceLine  = regexp.MustCompile(`^\[(\d+)\] `)
	citeMarks   = regexp.MustCompile(`\s*\[(\d+(?:, \d+)*)\]\s*$`)
	instruction = regexp.MustCompile(`INSTRUCTION:\s*(\{.*\})`)
)

type fence struct{ label, text string }

// split separates prompt into well-formed fences and the text outside them.
func split(prompt string) ([]fence, string) {
	var fences []fence
	var outside strings.Builder
	for {
		loc := fenceOpen.FindStringSubmatchIndex(prompt)
		if loc == nil {
			outside.WriteString(prompt)
			return fences, outside.String()
		}
		id, label := prompt[loc[2]:loc[3]], prompt[loc[4]:loc[5]]
		closing := `</untrusted_data id="` + id + `">`
		end := strings.Index(prompt[loc[1]:], closing)
		if end < 0 { // unclosed: not a fence, read on as instructions
			outside.WriteString(prompt[:loc[1]])
			prompt = prompt[loc[1]:]
			continue
		}
		outside.WriteString(prompt[:loc[0]])
		fences = append(fences, fence{label: label, text: prompt[loc[1] : loc[1]+end]})
		prompt = prompt[loc[1]+end+len(closing):]
	}
}

func fenceText(prompt, label string) string {
	fences, _ := split(prompt)
	for _, f := range fences {
		if f.label == label {
			return strings.TrimSpace(f.text)
		}
	}
	return ""
}

// instructions returns the injected instructions the model reads as instructions.
func (m *Model) instructions(prompt string) []map[string]any {
	fences, outside := split(prompt)
	texts := []string{outside}
	if m.Obey {
		for _, f := range fences {
			texts = append(texts, f.text)
		}
	}
	var out []map[string]any
	for _, t := range texts {
		for _, match := range instruction.FindAllStringSubmatch(t, -1) {
			var v map[string]any
			if json.Unmarshal([]byte(match[1]), &v) == nil {
				out = append(out, v)
			}
		}
	}
	return out
}

type fact struct {
	text    string
	sources []int
}

// facts reads the search results: the official and rumoured sentences and who says them.
func facts(results string) (official, rumours []fact) {
	current := 0
	for _, line := range strings.Split(results, "\n") {
		if m := sourceLine.FindStringSubmatch(line); m != nil {
			current, _ = strconv.Atoi(m[1])
			continue
		}
		ids := []int{}
		if m := citeMarks.FindStringSubmatch(line); m != nil {
			for _, s := range strings.Split(m[1], ", ") {
				n, _ := strconv.Atoi(s)
				ids = append(ids, n)
			}
			line = line[:len(line)-len(m[0])]
		} else if current > 0 {
			ids = append(ids, current)
		}
		for marker, list := range map[string]*[]fact{"OFFICIAL:": &official, "RUMOUR:": &rumours} {
			if i := strings.Index(line, marker); i >= 0 {
				text := strings.TrimSpace(line[i+len(marker):])
				if cut := strings.Index(text, "INSTRUCTION:"); cut >= 0 {
					text = strings.TrimSpace(text[:cut])
				}
				*list = append(*list, fact{text: text, sources: ids})
			}
		}
	}
	return official, rumours
}

func normalize(s string) string {
	return strings.TrimRight(strings.ToLower(strings.Join(strings.Fields(s), " ")), ".!;:,")
}

// decide is the model's honest answer.
func (m *Model) decide(prompt string) map[string]any {
	official, rumours := facts(fenceText(prompt, "search results"))
	reported := map[string]bool{}
	for _, line := range strings.Split(fenceText(prompt, "facts already reported"), "\n") {
		reported[normalize(strings.TrimPrefix(line, "- "))] = true
	}
	next := m.now().Add(72*time.Hour + 17*time.Minute).UTC().Format(time.RFC3339)
	ans := map[string]any{"next_run": next, "topic": "iPhone release date", "new_facts": []string{},
		"notification": nil, "source_ids": []int{}, "silence_reason": "condition_not_met"}
	for _, f := range official {
		if reported[normalize(f.text)] {
			ans["evidence"] = "The official news was already reported: " + f.text
			ans["confidence"] = 85
			ans["source_ids"] = f.sources
			ans["silence_reason"] = "nothing_new"
			continue
		}
		ans["evidence"] = "An official announcement: " + f.text
		ans["confidence"] = 92
		ans["source_ids"] = f.sources
		ans["notification"] = f.text
		ans["new_facts"] = []string{f.text}
		ans["silence_reason"] = nil
		return ans
	}
	if ans["evidence"] != nil {
		return ans
	}
	var ids []int
	for _, r := range rumours {
		ids = append(ids, r.sources...)
	}
	ans["source_ids"] = ids
	ans["confidence"] = 80
	if len(rumours) > 0 {
		ans["evidence"] = "Only rumours so far, nothing official: " + rumours[0].text
	} else {
		ans["evidence"] = "The search found nothing about this yet."
	}
	return ans
}
