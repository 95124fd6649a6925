package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Delivery is one notification owed on one channel, and how sending it went.
type Delivery struct {
	// ID is also the webhook-id header, so receivers can drop duplicates.
	ID          uuid.UUID `json:"id"`
	ExecutionID uuid.UUID `json:"execution_id"`
	// AlertID names the alert whose message this is (then ExecutionID is the nil UUID).
	AlertID       *uuid.UUID          `json:"alert_id,omitempty"`
	TaskID        uuid.UUID           `json:"task_id"`
	Channel       task.ChannelType    `json:"channel"`
	Target        string              `json:"target"`
	Status        task.DeliveryStatus `json:"status"`
	Attempts      int                 `json:"attempts"`
	NextAttemptAt time.Time           `json:"next_attempt_at"`
	LastError     string              `json:"last_error,omitempty"`
	CreatedAt     time.Time           `json:"created_at"`
	DeliveredAt   *time.Time          `json:"delivered_at"`
	// RedeliveryOf is the delivery this one sends again (POST .../redeliver); null for a run's own.
	RedeliveryOf *uuid.UUID `json:"redelivery_of"`
	// AttemptLog is every try, oldest first, email and webhook alike; empty until the first.
	AttemptLog []DeliveryAttempt `json:"attempt_log"`
}

// Notified is a run that told the user something, with the delivery of each channel.
type Notified struct {
	Execution
	TaskName   string     `json:"task_name"`
	Deliveries []Delivery `json:"deliveries"`
}

// DeliveryLog is a webhook delivery with its task's name and every attempt, oldest first, so
// users can debug their endpoint.
type DeliveryLog struct {
	Delivery
	TaskName string `json:"task_name"`
}

// DeliveryAttempt is one logged try to deliver a notification; never the response body.
type DeliveryAttempt struct {
	AttemptedAt  time.Time `json:"attempted_at"`
	OK           bool      `json:"ok"`
	ResponseCode *int      `json:"response_code"`
	LatencyMS    int       `json:"latency_ms"`
	Error        string    `json:"error,omitempty"`
}
