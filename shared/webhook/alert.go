package webhook

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// EventAlert is the event type of an alert's message: a watch broke, or recovered.
const EventAlert = "task.alert"

// AlertEvent is the body of a task.alert webhook.
type AlertEvent struct {
	Type      string         `json:"type"`
	Timestamp time.Time      `json:"timestamp"`
	Data      AlertEventData `json:"data"`
}

// AlertEventData is what a task.alert event tells the receiver: which watch, what is wrong in
// plain words and what to do, and whether this message opens the alert or says it is over.
type AlertEventData struct {
	Task  EventTask    `json:"task"`
	Alert AlertPayload `json:"alert"`
}

// AlertPayload is the alert itself. Status is "opened" or "resolved"; a receiver can key on
// id, which both messages of one alert share.
type AlertPayload struct {
	ID         uuid.UUID       `json:"id"`
	Cause      task.AlertCause `json:"cause"`
	Status     task.AlertPhase `json:"status"`
	Message    string          `json:"message"`
	Advice     string          `json:"advice"`
	OpenedAt   time.Time       `json:"opened_at"`
	ResolvedAt *time.Time      `json:"resolved_at"`
}

// NewAlertEvent builds the task.alert event of an alert's message. Like NewEvent, it depends
// only on stored data, so every retry posts the same bytes.
func NewAlertEvent(m outbox.Message, publicURL string) AlertEvent {
	a := m.Alert
	p := AlertPayload{ID: a.ID, Cause: a.Cause, Status: m.Delivery.AlertPhase, Message: outbox.Clip(a.Message, maxPayloadText),
		Advice: outbox.Clip(a.Advice, maxPayloadText), OpenedAt: a.OpenedAt.UTC()}
	if p.Status == "" {
		p.Status = task.AlertOpened
	}
	if p.Status == task.AlertResolved && a.ResolvedAt != nil {
		at := a.ResolvedAt.UTC()
		p.ResolvedAt = &at
	}
	return AlertEvent{Type: EventAlert, Timestamp: m.Delivery.CreatedAt.UTC(), Data: AlertEventData{
		Task: EventTask{ID: m.Task.ID, Name: m.Task.Name, SearchQuery: m.Task.SearchQuery,
			ConditionDescription: m.Task.ConditionDescription, NotifyBehavior: m.Task.NotifyBehavior,
			URL: outbox.TaskURL(publicURL, m.Task.ID)},
		Alert: p,
	}}
}

// eventBody is the JSON a message posts: its alert's event, or the run's task.condition_met.
func eventBody(m outbox.Message, publicURL string) ([]byte, error) {
	if m.Alert != nil {
		return json.Marshal(NewAlertEvent(m, publicURL))
	}
	return NewEvent(m, publicURL).marshal()
}
