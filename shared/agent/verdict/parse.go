// Package verdict turns the decision model's JSON into a task.Result that can be trusted: the
// answer is parsed strictly against Schema (no unknown fields, no missing ones, confidence an
// integer from 0 to 100, next_run an ISO 8601 time), sources are mapped from the numbers the
// model cites to pages the search returned, and a notification that is unbacked, unsure or
// already reported is held back with the reason written into the evidence.
package verdict

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// Limits on what an answer may carry, in characters; longer text is cut.
const (
	maxAnswerBytes   = 64 << 10
	maxEvidence      = 4000
	maxNotification  = 1000
	maxTopic         = 80
	maxFacts         = 10
	maxFact          = 300
	maxSourceCitings = 50
)

// Schema returns the JSON schema the decision call asks the model to follow (a fresh copy).
func Schema() map[string]any {
	nullableString := func(desc string) map[string]any {
		return map[string]any{"type": []any{"string", "null"}, "description": desc}
	}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"evidence": map[string]any{"type": "string",
				"description": "What was found and why this decision, in the user's terms."},
			"source_ids": map[string]any{"type": "array", "items": map[string]any{"type": "integer", "minimum": 1},
				"description": "Numbers of the search sources that back the evidence."},
			"confidence":   map[string]any{"type": "integer", "minimum": 0, "maximum": 100},
			"notification": nullableString("Short markdown for the user, or null when there is nothing new worth telling."),
			"next_run":     map[string]any{"type": []any{"string", "null"}, "format": "date-time", "description": "When to look again (ISO 8601 with offset), or null."},
			"topic":        map[string]any{"type": "string", "description": "A title of three to five words."},
			"new_facts": map[string]any{"type": "array", "items": map[string]any{"type": "string"},
				"description": "The facts the notification reports; empty without a notification."},
			"silence_reason": map[string]any{"type": []any{"string", "null"},
				"enum":        []any{string(task.SilenceNothingNew), string(task.SilenceConditionNotMet), nil},
				"description": "Why there is no notification: nothing_new when the condition is met but everything found was told before, condition_not_met when nothing found meets it; null with a notification."},
		},
		"required":             []any{"evidence", "source_ids", "confidence", "notification", "next_run", "topic", "new_facts", "silence_reason"},
		"additionalProperties": false,
	}
}

// Answer is a well-formed decision: every field present and of its type.
type Answer struct {
	Evidence     string
	SourceIDs    []int
	Confidence   int
	Notification *string // nil, or non-empty
	NextRun      *time.Time
	Topic        string
	NewFacts     []string
	// SilenceReason is why the model wrote no notification (nothing_new or condition_not_met);
	// empty when it wrote one.
	SilenceReason task.SilenceReason
}

// InvalidError says why an answer was refused. Reason is Torale's own wording, safe to put in
// the retry prompt and to show; Detail may quote the model and is for logs only.
type InvalidError struct {
	Reason string
	Detail string
}

func (e *InvalidError) Error() string {
	if e.Detail != "" {
		return "invalid model answer: " + e.Reason + ": " + e.Detail
	}
	return "invalid model answer: " + e.Reason
}

func invalid(reason, detail string) error { return &InvalidError{Reason: reason, Detail: detail} }

// wire is the answer as JSON, with every field kept raw so absence and type can be checked.
type wire struct {
	Evidence     json.RawMessage `json:"evidence"`
	SourceIDs    json.RawMessage `json:"source_ids"`
	Confidence   json.RawMessage `json:"confidence"`
	Notification json.RawMessage `json:"notification"`
	NextRun      json.RawMessage `json:"next_run"`
	Topic        json.RawMessage `json:"topic"`
	NewFacts     json.RawMessage `json:"new_facts"`
	Silence      json.RawMessage `json:"silence_reason"`
}

// Parse reads the model's answer text. A next_run without an offset is read in loc (the task's
// time zone). Any departure from Schema is an *InvalidError.
func Parse(text string, loc *time.Location) (Answer, error) {
	body := stripCodeFence(text)
	if body == "" {
		return Answer{}, invalid("the answer was empty", "")
	}
	if len(body) > maxAnswerBytes {
		return Answer{}, invalid("the answer was too long", fmt.Sprintf("%d bytes", len(body)))
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	var w wire
	if err := dec.Decode(&w); err != nil {
		// encoding/json reports an unknown field only as text (fmt.Errorf("json: unknown field
		// %q")); it has no error type or sentinel to match, so the prefix is all there is.
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return Answer{}, invalid("the JSON had a field the schema does not allow", err.Error())
		}
		return Answer{}, invalid("the answer was not a JSON object of the schema", err.Error())
	}
	if strings.TrimSpace(body[dec.InputOffset():]) != "" {
		return Answer{}, invalid("the answer had text after the JSON object", "")
	}
	fields := []struct {
		name string
		raw  json.RawMessage
	}{{"evidence", w.Evidence}, {"source_ids", w.SourceIDs}, {"confidence", w.Confidence},
		{"notification", w.Notification}, {"next_run", w.NextRun}, {"topic", w.Topic}, {"new_facts", w.NewFacts},
		{"silence_reason", w.Silence}}
	for _, f := range fields {
		if f.raw == nil {
			return Answer{}, invalid("the JSON lacked a required field", f.name)
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	var a Answer
	var err error
	if a.Evidence, err = requiredString(w.Evidence, "evidence"); err != nil {
		return Answer{}, err
	}
	if a.Evidence = cut(a.Evidence, maxEvidence); a.Evidence == "" {
		return Answer{}, invalid("evidence was empty", "")
	}
	if a.SourceIDs, err = sourceIDs(w.SourceIDs); err != nil {
		return Answer{}, err
	}
	if a.Confidence, err = confidence(w.Confidence); err != nil {
		return Answer{}, err
	}
	if a.Notification, err = nullableString(w.Notification, "notification"); err != nil {
		return Answer{}, err
	}
	if a.Notification != nil {
		n := cut(*a.Notification, maxNotification)
		a.Notification = &n
	}
	next, err := nullableString(w.NextRun, "next_run")
	if err != nil {
		return Answer{}, err
	}
	if next != nil {
		t, err := ParseNextRun(*next, loc)
		if err != nil {
			return Answer{}, invalid("next_run was not an ISO 8601 time", err.Error())
		}
		a.NextRun = &t
	}
	if a.Topic, err = requiredString(w.Topic, "topic"); err != nil {
		return Answer{}, err
	}
	a.Topic = topicName(a.Topic)
	if a.NewFacts, err = facts(w.NewFacts); err != nil {
		return Answer{}, err
	}
	if a.SilenceReason, err = silenceReason(w.Silence, a.Notification != nil); err != nil {
		return Answer{}, err
	}
	return a, nil
}

// silenceReason reads the model's reason for staying silent. Only the two a model can judge
// are allowed (the others are the policy's or the runner's to give); a silent answer must name
// one, and a notifying answer's reason is dropped, since it notified.
func silenceReason(raw json.RawMessage, notifies bool) (task.SilenceReason, error) {
	s, err := nullableString(raw, "silence_reason")
	if err != nil {
		return "", err
	}
	if notifies {
		return "", nil
	}
	if s == nil {
		return "", invalid("silence_reason was null though notification was null too", "")
	}
	switch r := task.SilenceReason(*s); r {
	case task.SilenceNothingNew, task.SilenceConditionNotMet:
		return r, nil
	}
	return "", invalid(`silence_reason was neither "nothing_new", "condition_not_met" nor null`, *s)
}

// topicName makes the topic fit to rename a task: one line, at most maxTopic characters, and
// none of the invisible or direction-changing characters a name may not hold.
func topicName(s string) string {
	return cut(task.StripHidden(strings.Join(strings.Fields(s), " ")), maxTopic)
}

// stripCodeFence removes a ```json … ``` wrapper some models add despite the JSON MIME type.
func stripCodeFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if i := strings.IndexByte(s, '\n'); i >= 0 && !strings.ContainsAny(s[:i], "{[") {
		s = s[i+1:]
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func requiredString(raw json.RawMessage, name string) (string, error) {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", invalid(name+" was not a string", "")
	}
	return s, nil
}

// nullableString reads null or a string; a blank string counts as null.
func nullableString(raw json.RawMessage, name string) (*string, error) {
	if isNull(raw) {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, invalid(name+" was neither a string nor null", "")
	}
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	return &s, nil
}

func confidence(raw json.RawMessage) (int, error) {
	var n json.Number
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] == '"' || json.Unmarshal(trimmed, &n) != nil {
		return 0, invalid("confidence was not a number", "")
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != float64(int(f)) || f < 0 || f > 100 {
		return 0, invalid("confidence was not a whole number from 0 to 100", string(n))
	}
	return int(f), nil
}

func sourceIDs(raw json.RawMessage) ([]int, error) {
	var nums []json.Number
	if isNull(raw) {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &nums); err != nil {
		return nil, invalid("source_ids was not a list of numbers", err.Error())
	}
	var ids []int
	for i, n := range nums {
		if i == maxSourceCitings {
			break
		}
		id, err := strconv.Atoi(string(n))
		if err != nil {
			return nil, invalid("source_ids held something other than whole numbers", string(n))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func facts(raw json.RawMessage) ([]string, error) {
	if isNull(raw) {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalid("new_facts was not a list of strings", err.Error())
	}
	var out []string
	for _, f := range list {
		if f = cut(strings.Join(strings.Fields(f), " "), maxFact); f != "" && len(out) < maxFacts {
			out = append(out, f)
		}
	}
	return out, nil
}

// clean makes s storable: valid UTF-8 without NUL, which PostgreSQL's text and jsonb refuse.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// cut cleans and trims s and shortens it to at most n runes.
func cut(s string, n int) string {
	s = strings.TrimSpace(clean(s))
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
