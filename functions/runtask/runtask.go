// Package runtask is the `runtask` Cloud Run function: a Pub/Sub message on the run-task topic,
// delivered as a CloudEvent, runs one task through the shared runner.
package runtask

import (
	"context"
	"log/slog"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// MessagePublishedData is the data of a google.cloud.pubsub.topic.v1.messagePublished event
// and also the body of a raw Pub/Sub push request, which the framework converts.
type MessagePublishedData struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime time.Time         `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// Runner handles the message's data: nil acks it, an error has Pub/Sub deliver it again.
type Runner interface {
	HandleMessage(ctx context.Context, data []byte) error
}

// New returns the CloudEvent function.
func New(r Runner, log *slog.Logger) func(context.Context, event.Event) error {
	return func(ctx context.Context, e event.Event) error {
		var d MessagePublishedData
		if err := e.DataAs(&d); err != nil {
			// Redelivery cannot fix a body that does not parse; ack it.
			log.Error("dropping undecodable run-task event", "event_id", e.ID(), "error", err.Error())
			return nil
		}
		return r.HandleMessage(ctx, d.Message.Data)
	}
}
