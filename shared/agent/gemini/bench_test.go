package gemini

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genai"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/agent/prompt"
	"github.com/torale-ai/torale/shared/agent/verdict"
	"github.com/torale-ai/torale/shared/task"
)

// instant is a model that answers at once, in memory: the search call with a grounded report,
// the decision call with a JSON answer. It still reads each request, as a server would.
type instant struct{ search, decide []byte }

func newInstant(b *testing.B) instant {
	pages := []geminitest.Page{
		{Title: "apple.com", Text: "OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026."},
		{Title: "rumours.example.com", Text: "RUMOUR: Leakers claim iPhone 18 could ship in late September."},
	}
	u := geminitest.Usage{Prompt: 900, Candidates: 60, ToolUsePrompt: 400}
	search, err := json.Marshal(geminitest.Grounded(pages, []string{"iphone 18 release date 2026"}, u).Body)
	if err != nil {
		b.Fatal(err)
	}
	decide, err := json.Marshal(geminitest.JSON(map[string]any{"evidence": "Apple's newsroom gives the date.",
		"source_ids": []int{1}, "confidence": 92, "notification": "Apple announced that iPhone 18 ships on 18 September 2026.",
		"next_run": "2026-12-02T09:47:00Z", "topic": "iPhone 18 release date",
		"new_facts": []string{"Apple announced that iPhone 18 ships on 18 September 2026."}, "silence_reason": nil}, geminitest.Usage{Prompt: 700, Candidates: 90}).Body)
	if err != nil {
		b.Fatal(err)
	}
	return instant{search: search, decide: decide}
}

func (m instant) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	out := m.decide
	if bytes.Contains(body, []byte(`"googleSearch"`)) {
		out = m.search
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(out)), Request: r}, nil
}

func benchInput() agent.Input {
	note := "Apple set the launch event for 9 September."
	return agent.Input{SearchQuery: "When will Apple announce the iPhone 18 release date?",
		ConditionDescription: "Apple officially announces the release date", Timezone: "Europe/London",
		NotifyBehavior: task.NotifyAlways, Now: time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC),
		Recent: []task.Result{{Evidence: "Apple announced the event date.", Confidence: 88, Notification: &note},
			{Evidence: "Only rumours so far.", Confidence: 70}},
		Memory: []string{"Apple set the launch event for 9 September."}}
}

func benchAgent(b *testing.B) *Agent {
	a, err := New(context.Background(), Config{APIKey: "bench-key", BaseURL: "http://fake.invalid/",
		MinConfidence: 60, HTTPClient: &http.Client{Transport: newInstant(b)}})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkRun is a whole run against the instant model: two SDK calls, prompts, parsing,
// validation.
func BenchmarkRun(b *testing.B) {
	a := benchAgent(b)
	in := benchInput()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := a.Run(ctx, in)
		if err != nil || !out.Result.Notifies() {
			b.Fatal(err, out.Result)
		}
	}
}

// BenchmarkBareCalls is the floor under BenchmarkRun: the same two calls through the SDK to the
// same instant model, with one-line prompts and no reading of the answers.
func BenchmarkBareCalls(b *testing.B) {
	a := benchAgent(b)
	ctx := context.Background()
	grounded := &genai.GenerateContentConfig{Tools: []*genai.Tool{{GoogleSearch: &genai.GoogleSearch{}}}}
	structured := &genai.GenerateContentConfig{ResponseMIMEType: "application/json", ResponseJsonSchema: a.schema}
	b.ReportAllocs()
	for b.Loop() {
		for _, cfg := range []*genai.GenerateContentConfig{grounded, structured} {
			if _, err := a.caller.models.GenerateContent(ctx, "m", genai.Text("q"), cfg); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkOwnWork is the agent's work outside the model calls, measured alone: both prompts
// rendered, the grounded answer read into findings, the decision parsed and validated.
func BenchmarkOwnWork(b *testing.B) {
	m := newInstant(b)
	var search, decide genai.GenerateContentResponse
	if err := json.Unmarshal(m.search, &search); err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(m.decide, &decide); err != nil {
		b.Fatal(err)
	}
	r := prompt.New(nil)
	in := benchInput()
	policy := verdict.Policy{MinConfidence: 60, Memory: in.Memory, Secrets: []string{"bench-key-long-enough"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Search(in); err != nil {
			b.Fatal(err)
		}
		c, text, err := answer(&search)
		if err != nil {
			b.Fatal(err)
		}
		f := groundedFindings(text, c)
		if _, err := r.Decide(in, f, ""); err != nil {
			b.Fatal(err)
		}
		_, text, _ = answer(&decide)
		ans, err := verdict.Parse(text, time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		d, err := policy.Apply(ans, f.Pages)
		if err != nil || !strings.Contains(d.Result.Evidence, "newsroom") {
			b.Fatal(err)
		}
	}
}
