// Package notify is the `notify` Cloud Run function: a Pub/Sub message on the notify topic
// names one outbox row, and the shared notifier sends it (claiming it by id under the same
// lease as the periodic pass, so a duplicate message does nothing). It accepts the message as a
// CloudEvent (google.cloud.pubsub.topic.v1.messagePublished, binary or structured, as Eventarc
// sends it) and as a raw Pub/Sub push body, like runtask. A 2xx answer acks the message; a
// failed send is acked too, because its retry is scheduled in the database, not in Pub/Sub.
package notify

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

// MessagePublishedData is the data of a messagePublished event and the body of a raw push.
type MessagePublishedData struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime time.Time         `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// Notifier handles the message's data: nil acks it, an error has Pub/Sub deliver it again
// (the row could not be claimed, say the database was down).
type Notifier interface {
	HandleMessage(ctx context.Context, data []byte) error
}

// Config tunes the function; zero fields take the defaults.
type Config struct {
	// RetryHorizon is how old a message may be: an older one is acked and logged, since the
	// tick publishes every due delivery again (default 30 min).
	RetryHorizon time.Duration
	Now          func() time.Time
	Log          *slog.Logger
}

// maxBody bounds a push request; notify messages are under a hundred bytes.
const maxBody = 64 << 10

// New returns the function. Authenticating the pusher is the caller's to add (oidc.Verifier).
func New(n Notifier, cfg Config) http.HandlerFunc {
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
			log.ErrorContext(ctx, "dropping undecodable notify push", "error", err.Error())
			w.WriteHeader(http.StatusNoContent)
			return
		}
		log = log.With("message_id", d.Message.MessageID)
		if age := cfg.Now().Sub(d.Message.PublishTime); !d.Message.PublishTime.IsZero() && age > cfg.RetryHorizon {
			log.WarnContext(ctx, "dropping notify message older than the retry horizon; the tick publishes due deliveries anew",
				"age", age.Round(time.Second).String())
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if err := n.HandleMessage(ctx, d.Message.Data); err != nil {
			log.WarnContext(ctx, "notify message not done; Pub/Sub will deliver it again", "error", err.Error())
			http.Error(w, "not done; deliver again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

var errNoMessage = errors.New("no message data")

// decode reads either shape of a Pub/Sub delivery.
func decode(ctx context.Context, r *http.Request) (MessagePublishedData, error) {
	var d MessagePublishedData
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return d, fmt.Errorf("reading body: %w", err)
	}
	if r.Header.Get("Ce-Specversion") == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/cloudevents") {
		if err := json.Unmarshal(body, &d); err != nil {
			return d, fmt.Errorf("push body: %w", err)
		}
	} else {
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
	}
	if len(d.Message.Data) == 0 {
		return d, errNoMessage
	}
	return d, nil
}
