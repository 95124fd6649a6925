package webhook

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// The event types Torale posts to webhooks.
const (
	EventConditionMet = "task.condition_met"
	EventTest         = "webhook.test"
)

// Payload limits keep a webhook body well under the 20 KB receivers are promised.
const (
	maxPayloadText    = 6000 // runes of notification and of evidence
	maxPayloadSources = 20
)

// Event is the body of every webhook: Standard Webhooks' type, timestamp and data.
type Event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      EventData `json:"data"`
}

// EventData is what a task.condition_met event tells the receiver.
type EventData struct {
	Task         EventTask      `json:"task"`
	Execution    EventExecution `json:"execution"`
	Notification string         `json:"notification"`
	Evidence     string         `json:"evidence"`
	Sources      []Source       `json:"sources"`
	Confidence   int            `json:"confidence"`
}

// Source is a page the agent cited. It is the payload's own wire type, so the event's JSON
// does not change when task.Source does.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// EventTask identifies the task that notified, with a link to it.
type EventTask struct {
	ID                   uuid.UUID           `json:"id"`
	Name                 string              `json:"name"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	URL                  string              `json:"url"`
}

// EventExecution identifies the run that found the news.
type EventExecution struct {
	ID           uuid.UUID    `json:"id"`
	Trigger      task.Trigger `json:"trigger"`
	ScheduledFor *time.Time   `json:"scheduled_for"`
	StartedAt    *time.Time   `json:"started_at"`
	FinishedAt   *time.Time   `json:"finished_at"`
}

// NewEvent builds the task.condition_met event of a message. It depends only on stored data, so
// every retry of a delivery posts the same bytes.
func NewEvent(m outbox.Message, publicURL string) Event {
	e := Event{Type: EventConditionMet, Timestamp: m.Delivery.CreatedAt.UTC(), Data: EventData{
		Task: EventTask{ID: m.Task.ID, Name: m.Task.Name, SearchQuery: m.Task.SearchQuery,
			ConditionDescription: m.Task.ConditionDescription, NotifyBehavior: m.Task.NotifyBehavior,
			URL: outbox.TaskURL(publicURL, m.Task.ID)},
		Execution: EventExecution{ID: m.Execution.ID, Trigger: m.Execution.Trigger,
			ScheduledFor: m.Execution.ScheduledFor, StartedAt: m.Execution.StartedAt, FinishedAt: m.Execution.FinishedAt},
		Sources: []Source{},
	}}
	if f := m.Execution.FinishedAt; f != nil {
		e.Timestamp = f.UTC()
	}
	if r := m.Execution.Result; r != nil {
		if r.Notification != nil {
			e.Data.Notification = outbox.Clip(*r.Notification, maxPayloadText)
		}
		e.Data.Evidence = outbox.Clip(r.Evidence, maxPayloadText)
		e.Data.Confidence = r.Confidence
		for i, s := range r.Sources {
			if i == maxPayloadSources {
				break
			}
			e.Data.Sources = append(e.Data.Sources, Source{URL: s.URL, Title: s.Title})
		}
	}
	return e
}

// sampleEvent is what POST /api/v1/webhook/test sends: the shape of a real event, marked as a
// test so receivers do not act on it.
func sampleEvent(now time.Time, publicURL string) Event {
	id := uuid.MustParse("00000000-0000-4000-8000-000000000000")
	note := "This is a test notification from Torale. Your endpoint is receiving signed webhooks."
	started := now.Add(-20 * time.Second)
	return Event{Type: EventTest, Timestamp: now.UTC(), Data: EventData{
		Task: EventTask{ID: id, Name: "Test webhook", SearchQuery: "Is my webhook receiving Torale's notifications?",
			ConditionDescription: "The endpoint answers with a 2xx status", NotifyBehavior: task.NotifyAlways,
			URL: outbox.TaskURL(publicURL, id)},
		Execution:    EventExecution{ID: id, Trigger: task.TriggerManual, StartedAt: &started, FinishedAt: &now},
		Notification: note, Evidence: "Sent from the webhook settings.", Confidence: 100,
		Sources: []Source{{URL: "https://www.standardwebhooks.com/", Title: "Standard Webhooks"}},
	}}
}

func (e Event) marshal() ([]byte, error) { return json.Marshal(e) }
