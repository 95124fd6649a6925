// Package event defines the messages Torale's parts send each other (run a task, deliver a
// notification) and the publishers that carry them: Pub/Sub in the cloud, an in-process bus
// on one machine. Messages are versioned JSON so old and new builds can share a topic.
package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The topics Torale publishes to.
const (
	TopicRunTask = "run-task"
	TopicNotify  = "notify"
	// TopicDeepRun carries deep runs from runtask to the deep-run worker, as run-task messages.
	TopicDeepRun = "deep-run"
)

// Version is the message schema this build writes and reads.
const Version = 1

// RunTask asks the runner to run a task: a scheduled fire (ScheduledFor) or a manual run
// created earlier (ExecutionID). A trigger only says "look"; the runner re-reads the database.
type RunTask struct {
	Version      int        `json:"version"`
	TaskID       uuid.UUID  `json:"task_id"`
	UserID       uuid.UUID  `json:"user_id"`
	ScheduledFor *time.Time `json:"scheduled_for,omitempty"`
	ExecutionID  *uuid.UUID `json:"execution_id,omitempty"`
}

// Notify asks the notifier to deliver one outbox row.
type Notify struct {
	Version    int       `json:"version"`
	DeliveryID uuid.UUID `json:"delivery_id"`
}

// ErrMalformed marks a message that can never be handled; consumers ack it and log.
var ErrMalformed = errors.New("malformed message")

// DecodeRunTask parses a run-task message and checks it names a task.
func DecodeRunTask(data []byte) (RunTask, error) {
	var m RunTask
	if err := decode(data, &m, &m.Version); err != nil {
		return m, err
	}
	if m.TaskID == uuid.Nil || m.UserID == uuid.Nil {
		return m, fmt.Errorf("%w: run-task needs task_id and user_id", ErrMalformed)
	}
	return m, nil
}

// DecodeNotify parses a notify message.
func DecodeNotify(data []byte) (Notify, error) {
	var m Notify
	if err := decode(data, &m, &m.Version); err != nil {
		return m, err
	}
	if m.DeliveryID == uuid.Nil {
		return m, fmt.Errorf("%w: notify needs delivery_id", ErrMalformed)
	}
	return m, nil
}

func decode(data []byte, v any, version *int) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if *version != Version {
		return fmt.Errorf("%w: version %d, this build reads %d", ErrMalformed, *version, Version)
	}
	return nil
}

// Publisher sends a message to a topic. Implementations return once the message is safely
// queued; delivery is at least once.
type Publisher interface {
	Publish(ctx context.Context, topic string, data []byte) error
}

// PublishJSON stamps msg with nothing and encodes it; callers set Version.
func PublishJSON(ctx context.Context, p Publisher, topic string, msg any) error {
	data, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encoding %s message: %w", topic, err)
	}
	if err := p.Publish(ctx, topic, data); err != nil {
		return fmt.Errorf("publishing to %s: %w", topic, err)
	}
	return nil
}

// Tenant names the user a message works for, so that an in-process bus can share its workers
// fairly between users; "" when the message names none (a notify message names only its
// delivery, and the notifier shares its own workers once it has read the row).
func Tenant(topic string, data []byte) string {
	if topic != TopicRunTask {
		return ""
	}
	var m struct {
		UserID uuid.UUID `json:"user_id"`
	}
	if json.Unmarshal(data, &m) != nil || m.UserID == uuid.Nil {
		return ""
	}
	return m.UserID.String()
}
