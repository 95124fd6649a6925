package verdict_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/agent/verdict"
	"github.com/torale-ai/torale/shared/task"
)

const valid = `{"evidence":"Apple's newsroom gives the date.","source_ids":[1],"confidence":90,
	"notification":"iPhone 18 ships on 18 September.","next_run":"2026-12-01T09:17:00Z","topic":"iPhone 18 release",
	"new_facts":["iPhone 18 ships on 18 September 2026."],"silence_reason":null}`

func london(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return loc
}

func TestParseValid(t *testing.T) {
	a, err := verdict.Parse("```json\n"+valid+"\n```", time.UTC)
	require.NoError(t, err)
	require.Equal(t, "Apple's newsroom gives the date.", a.Evidence)
	require.Equal(t, []int{1}, a.SourceIDs)
	require.Equal(t, 90, a.Confidence)
	require.Equal(t, "iPhone 18 ships on 18 September.", *a.Notification)
	require.Equal(t, time.Date(2026, 12, 1, 9, 17, 0, 0, time.UTC), a.NextRun.UTC())
	require.Equal(t, "iPhone 18 release", a.Topic)
	require.Equal(t, []string{"iPhone 18 ships on 18 September 2026."}, a.NewFacts)
}

// The topic renames a task still on its derived name, and names hold no bidi controls or
// invisible characters (issue 11), so they are dropped from it; ZWJ stays for emoji.
func TestParseTopicDropsHiddenCharacters(t *testing.T) {
	body := strings.Replace(valid, `"iPhone 18 release"`, `"\u202eiPhone\u200b 18 \u2066release\ufeff 👩\u200d💻"`, 1)
	a, err := verdict.Parse(body, time.UTC)
	require.NoError(t, err)
	require.Equal(t, "iPhone 18 release 👩\u200d💻", a.Topic)
}

func TestParseRefusesWhatTheSchemaDoesNot(t *testing.T) {
	mutate := func(f func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(valid), &m))
		f(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	cases := map[string]struct{ text, reason string }{
		"empty":             {"", "empty"},
		"not JSON":          {"Sure! Here is the answer.", "not a JSON object"},
		"array":             {"[1,2]", "not a JSON object"},
		"trailing text":     {valid + " thanks", "text after"},
		"trailing brace":    {valid + "}", "text after"},
		"extra field":       {mutate(func(m map[string]any) { m["webhook_url"] = "https://evil.example" }), "does not allow"},
		"missing field":     {mutate(func(m map[string]any) { delete(m, "next_run") }), "lacked a required field"},
		"empty evidence":    {mutate(func(m map[string]any) { m["evidence"] = "  " }), "evidence was empty"},
		"null evidence":     {mutate(func(m map[string]any) { m["evidence"] = nil }), "evidence was not a string"},
		"confidence 101":    {mutate(func(m map[string]any) { m["confidence"] = 101 }), "0 to 100"},
		"confidence -1":     {mutate(func(m map[string]any) { m["confidence"] = -1 }), "0 to 100"},
		"confidence 87.5":   {mutate(func(m map[string]any) { m["confidence"] = 87.5 }), "0 to 100"},
		"confidence text":   {mutate(func(m map[string]any) { m["confidence"] = "90" }), "not a number"},
		"bad next_run":      {mutate(func(m map[string]any) { m["next_run"] = "next Tuesday" }), "ISO 8601"},
		"next_run number":   {mutate(func(m map[string]any) { m["next_run"] = 5 }), "neither a string nor null"},
		"sources strings":   {mutate(func(m map[string]any) { m["source_ids"] = []string{"https://x"} }), "source_ids"},
		"facts not a list":  {mutate(func(m map[string]any) { m["new_facts"] = "x" }), "new_facts"},
		"no silence_reason": {mutate(func(m map[string]any) { delete(m, "silence_reason") }), "lacked a required field"},
		"silent without a reason": {mutate(func(m map[string]any) { m["notification"] = nil }),
			"silence_reason was null though notification was null"},
		"a reason the model may not give": {mutate(func(m map[string]any) {
			m["notification"], m["silence_reason"] = nil, "already_reported"
		}), `silence_reason was neither "nothing_new", "condition_not_met" nor null`},
		"silence_reason number": {mutate(func(m map[string]any) { m["notification"], m["silence_reason"] = nil, 3 }),
			"silence_reason was neither a string nor null"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := verdict.Parse(c.text, time.UTC)
			var ie *verdict.InvalidError
			require.True(t, errors.As(err, &ie), "got %v", err)
			require.Contains(t, ie.Reason, c.reason)
			require.NotContains(t, ie.Reason, "evil", "the reason never quotes the model")
		})
	}
}

func TestParseNextRun(t *testing.T) {
	loc := london(t)
	want := time.Date(2026, 12, 1, 9, 17, 0, 0, time.UTC)
	for _, s := range []string{"2026-12-01T09:17:00Z", "2026-12-01T10:17:00+01:00", "2026-12-01T09:17Z",
		"2026-12-01 09:17:00Z", "2026-12-01T09:17:00.000Z", "2026-12-01T09:17", "2026-12-01 09:17", " 2026-12-01T09:17:00 "} {
		got, err := verdict.ParseNextRun(s, loc)
		require.NoError(t, err, s)
		require.True(t, want.Equal(got), "%s: got %v", s, got)
	}
	summer, err := verdict.ParseNextRun("2026-07-01T09:00", loc)
	require.NoError(t, err)
	require.Equal(t, 8, summer.UTC().Hour(), "a local time follows the task's zone, DST included")
	day, err := verdict.ParseNextRun("2026-12-24", loc)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 12, 24, 0, 0, 0, 0, loc), day)
	for _, s := range []string{"", "tomorrow", "2026-13-01", "0001-01-01T00:00:00Z", "2026-12-01T25:00:00Z"} {
		_, err := verdict.ParseNextRun(s, loc)
		require.Error(t, err, s)
	}
}

func pages() []search.Page {
	return []search.Page{
		{URL: "https://www.apple.com/newsroom/iphone-18", Title: "Apple Newsroom"},
		{URL: "https://rumours.example.com/iphone", Title: ""},
	}
}

func parse(t *testing.T, text string) verdict.Answer {
	t.Helper()
	a, err := verdict.Parse(text, time.UTC)
	require.NoError(t, err)
	return a
}

func TestPolicyNotifiesWithBackedSources(t *testing.T) {
	a := parse(t, valid)
	a.SourceIDs = []int{1, 2, 1, 7, 0}
	d, err := verdict.Policy{MinConfidence: 60}.Apply(a, pages())
	require.NoError(t, err)
	require.True(t, d.Result.Notifies())
	require.Equal(t, 2, d.DroppedSources, "sources the search never returned are dropped")
	require.Len(t, d.Result.Sources, 2)
	require.Equal(t, "https://www.apple.com/newsroom/iphone-18", d.Result.Sources[0].URL)
	require.Equal(t, "rumours.example.com", d.Result.Sources[1].Title, "an untitled page is named by its host")
	require.Equal(t, a.NewFacts, d.Facts)
}

func TestPolicyHoldsBack(t *testing.T) {
	cases := map[string]struct {
		edit    func(a *verdict.Answer, p *verdict.Policy)
		reason  string
		silence task.SilenceReason
	}{
		"no source": {func(a *verdict.Answer, _ *verdict.Policy) { a.SourceIDs = []int{9} }, "no source the search returned",
			task.SilenceUnsourced},
		"low confidence": {func(a *verdict.Answer, _ *verdict.Policy) { a.Confidence = 59 }, "confidence 59 is below the minimum of 60",
			task.SilenceLowConfidence},
		"already reported": {func(_ *verdict.Answer, p *verdict.Policy) {
			p.Memory = []string{"iphone 18 ships on 18 september 2026"}
		}, "it was already reported", task.SilenceAlreadyReported},
		"same notification": {func(a *verdict.Answer, p *verdict.Policy) {
			a.NewFacts = nil
			p.Memory = []string{"iPhone 18 ships on 18 September."}
		}, "it was already reported", task.SilenceAlreadyReported},
		"an unbacked link": {func(a *verdict.Answer, _ *verdict.Policy) {
			s := "Log in at https://evil.example/login"
			a.Notification = &s
		}, "the notification carried a link that no search source backs", task.SilenceUnsourced},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := parse(t, valid)
			p := verdict.Policy{MinConfidence: 60}
			c.edit(&a, &p)
			d, err := p.Apply(a, pages())
			require.NoError(t, err)
			require.False(t, d.Result.Notifies())
			require.Nil(t, d.Facts)
			require.Contains(t, d.Result.Evidence, "Silent because "+c.reason)
			require.Equal(t, c.silence, d.SilenceReason)
		})
	}
}

func TestPolicyHoldsBackUnbackedLinks(t *testing.T) {
	a := parse(t, valid)
	note := "Out now: see [Apple](https://www.apple.com/newsroom/iphone-18)."
	a.Notification = &note
	d, err := verdict.Policy{MinConfidence: 60}.Apply(a, pages())
	require.NoError(t, err)
	require.True(t, d.Result.Notifies(), "a link to a search source is fine")
	require.Equal(t, note, *d.Result.Notification)

	for _, note := range []string{"Out now: [log in](https://evil.example/x)", "Locked: visit www.evil.example/y now",
		"See <javascript:alert(1)>", "[Apple](https://www.apple.com/newsroom/iphone-18) or https://evil.example"} {
		a.Notification = &note
		d, err := verdict.Policy{MinConfidence: 60}.Apply(a, pages())
		require.NoError(t, err)
		require.False(t, d.Result.Notifies(), note)
		require.Contains(t, d.Result.Evidence, "Silent because the notification carried a link that no search source backs.")
	}
}

func TestPolicyRemovesUnbackedLinksFromEvidenceAndTopic(t *testing.T) {
	a := parse(t, valid)
	a.Evidence = "The page says to log in at https://evil.example/login; Apple's page (https://www.apple.com/newsroom/iphone-18) gives the date."
	a.Topic = "Visit www.evil.example"
	d, err := verdict.Policy{MinConfidence: 60}.Apply(a, pages())
	require.NoError(t, err)
	require.Equal(t, "The page says to log in at [link removed]; Apple's page (https://www.apple.com/newsroom/iphone-18) gives the date.",
		d.Result.Evidence)
	require.Empty(t, d.Result.Topic, "a topic with a link is dropped")
	require.True(t, d.Result.Notifies())
}

func TestPolicyRefusesSecrets(t *testing.T) {
	a := parse(t, valid)
	leak := "Your key is AIzaSyTEST-secret-123"
	a.Notification = &leak
	_, err := verdict.Policy{Secrets: []string{"AIzaSyTEST-secret-123"}}.Apply(a, pages())
	var ie *verdict.InvalidError
	require.ErrorAs(t, err, &ie)
	require.NotContains(t, err.Error(), "AIzaSy", "the error never repeats the secret")
}

// The model says why it stayed silent; a notifying answer's reason is dropped, and a decision
// that notifies has none.
func TestParseAndApplyKeepTheModelsSilenceReason(t *testing.T) {
	for _, r := range []task.SilenceReason{task.SilenceNothingNew, task.SilenceConditionNotMet} {
		body := strings.Replace(valid, `"notification":"iPhone 18 ships on 18 September."`, `"notification":null`, 1)
		body = strings.Replace(body, `"silence_reason":null`, `"silence_reason":"`+string(r)+`"`, 1)
		a := parse(t, body)
		require.Equal(t, r, a.SilenceReason)
		d, err := verdict.Policy{MinConfidence: 60}.Apply(a, pages())
		require.NoError(t, err)
		require.False(t, d.Result.Notifies())
		require.Equal(t, r, d.SilenceReason)
		require.NotContains(t, d.Result.Evidence, "Silent because", "the model's own silence keeps its evidence as written")
	}
	notifying := parse(t, strings.Replace(valid, `"silence_reason":null`, `"silence_reason":"nothing_new"`, 1))
	require.Empty(t, notifying.SilenceReason, "a notifying answer has no reason to be silent")
	d, err := verdict.Policy{MinConfidence: 60}.Apply(parse(t, valid), pages())
	require.NoError(t, err)
	require.True(t, d.Result.Notifies())
	require.Empty(t, d.SilenceReason)
}

func TestSchemaIsValidJSON(t *testing.T) {
	b, err := json.Marshal(verdict.Schema())
	require.NoError(t, err)
	require.Contains(t, string(b), `"additionalProperties":false`)
}

func FuzzParse(f *testing.F) {
	f.Add(valid)
	f.Add(`{"evidence":"x","source_ids":[],"confidence":0,"notification":null,"next_run":null,"topic":"","new_facts":[],"silence_reason":"nothing_new"}`)
	f.Add("```json\n{}\n```")
	f.Add(`{"evidence":"x","source_ids":[1e3],"confidence":1e2,"notification":"","next_run":"2026-01-01","topic":"t","new_facts":null,"silence_reason":"condition_not_met"}`)
	f.Add(`{"evidence":"a\u0000b","source_ids":[1],"confidence":90,"notification":"n\u0000","next_run":null,"topic":"\u0000","new_facts":["\u0000x"],"silence_reason":null}`)
	f.Fuzz(func(t *testing.T, text string) {
		a, err := verdict.Parse(text, time.UTC)
		if err != nil {
			var ie *verdict.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an InvalidError: %v", err)
			}
			return
		}
		if strings.TrimSpace(a.Evidence) == "" || a.Confidence < 0 || a.Confidence > 100 {
			t.Fatalf("accepted a bad answer: %+v", a)
		}
		if a.Notification != nil && strings.TrimSpace(*a.Notification) == "" {
			t.Fatal("an empty notification was kept")
		}
		if utf8.RuneCountInString(a.Topic) > 80 || !utf8.ValidString(a.Evidence) {
			t.Fatalf("topic or evidence not bounded: %q", a.Topic)
		}
		d, err := verdict.Policy{MinConfidence: 60, Memory: []string{"x"}}.Apply(a, pages())
		if err != nil {
			t.Fatal(err)
		}
		if d.Result.Notifies() && len(d.Result.Sources) == 0 {
			t.Fatal("notified without a source")
		}
		if d.Result.Notifies() == d.SilenceReason.Valid() {
			t.Fatalf("notifies %v with silence reason %q", d.Result.Notifies(), d.SilenceReason)
		}
		fields := append([]string{d.Result.Evidence, d.Result.Topic}, d.Facts...)
		if d.Result.Notification != nil {
			fields = append(fields, *d.Result.Notification)
		}
		for _, s := range fields {
			if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
				t.Fatalf("unstorable text kept: %q", s)
			}
		}
	})
}

func FuzzParseNextRun(f *testing.F) {
	for _, s := range []string{"2026-12-01T09:17:00Z", "2026-12-01T09:17", "2026-12-24", "2026-12-01 09:17:00+05:30", "x"} {
		f.Add(s)
	}
	loc, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := verdict.ParseNextRun(s, loc)
		if err != nil {
			return
		}
		if y := got.UTC().Year(); y < 2000 || y > 9999 {
			t.Fatalf("year %d accepted from %q", y, s)
		}
		again, err := verdict.ParseNextRun(got.Format(time.RFC3339Nano), loc)
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q: round trip of %v failed: %v, %v", s, got, again, err)
		}
	})
}
