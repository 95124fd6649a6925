// Package runtask is the `runtask` Cloud Run function: a Pub/Sub message on the run-task topic
// runs one task through the shared gate and runner. It accepts the message as a CloudEvent
// (google.cloud.pubsub.topic.v1.messagePublished, binary or structured, as Eventarc sends it)
// and as a raw Pub/Sub push body (a push subscription, or the emulator). A 2xx answer acks the
// message; any other has Pub/Sub deliver it again with backoff.
package runtask

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// MessagePublishedData is the data of a google.cloud.pubsub.topic.v1.messagePublished event
// and also the body of a raw Pub/Sub push request.
type MessagePublishedData struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime time.Time         `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// Handler handles a message's data: nil acks it, an error has Pub/Sub deliver it again.
// schedule.Gate in front of the runner is the real one.
type Handler interface {
	HandleMessage(ctx context.Context, data []byte) error
}

// Config tunes the function; zero fields take the defaults.
type Config struct {
	// RetryHorizon is how old a message may be: an older one is acked and logged, since the
	// database, the sweep and reconcile trigger its task again (default 30 min).
	RetryHorizon time.Duration
	Now          func() time.Time
	Log          *slog.Logger
}

// maxBody bounds a push request; run-task messages are a few hundred bytes.
const maxBody = 1 << 20

// New returns the function. Authentication of the pusher is the caller's to add (oidc.Verifier).
func New(h Handler, cfg Config) http.HandlerFunc {
	if cfg.RetryHorizon <= 0 {
		cfg.RetryHorizon = 30 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST a Pub/Sub push or CloudEvent", http.StatusMethodNotAllowed)
			return
		}
		ctx, log := r.Context(), cfg.Log
		d, err := decode(ctx, r)
		if err != nil {
			// Redelivery cannot fix a body that does not parse; ack it.
			log.ErrorContext(ctx, "dropping undecodable run-task push", "error", err.Error())
			w.WriteHeader(http.StatusNoContent)
			return
		}
		log = log.With("message_id", d.Message.MessageID)
		if age := cfg.Now().Sub(d.Message.PublishTime); !d.Message.PublishTime.IsZero() && age > cfg.RetryHorizon {
			log.WarnContext(ctx, "dropping run-task message older than the retry horizon; its task is triggered anew",
				"age", age.Round(time.Second).String(), "horizon", cfg.RetryHorizon.String(), "data", string(d.Message.Data))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if err := h.HandleMessage(ctx, d.Message.Data); err != nil {
			log.WarnContext(ctx, "run-task message not done; Pub/Sub will deliver it again", "error", err.Error())
			http.Error(w, "not done; deliver again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// decode reads either shape of a Pub/Sub delivery.
func decode(ctx context.Context, r *http.Request) (MessagePublishedData, error) {
	var d MessagePublishedData
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return d, fmt.Errorf("reading body: %w", err)
	}
	isEvent := r.Header.Get("Ce-Specversion") != "" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/cloudevents")
	if !isEvent {
		if err := json.Unmarshal(body, &d); err != nil {
			return d, fmt.Errorf("push body: %w", err)
		}
		return d, checked(d)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	e, err := binding.ToEvent(ctx, cehttp.NewMessageFromHttpRequest(r))
	if err != nil {
		return d, fmt.Errorf("cloudevent: %w", err)
	}
	if err := e.DataAs(&d); err != nil {
		return d, fmt.Errorf("cloudevent data: %w", err)
	}
	if d.Message.PublishTime.IsZero() {
		d.Message.PublishTime = e.Time()
	}
	return d, checked(d)
}

var errNoMessage = errors.New("no message data")

func checked(d MessagePublishedData) error {
	if len(d.Message.Data) == 0 {
		return errNoMessage
	}
	return nil
}
