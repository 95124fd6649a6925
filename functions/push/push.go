// Package push is what the Pub/Sub-triggered functions (runtask, notify) share: reading a
// message delivered as a CloudEvent (google.cloud.pubsub.topic.v1.messagePublished, binary or
// structured, as Eventarc sends it) or as a raw Pub/Sub push body (a push subscription, or the
// emulator), dropping messages past the retry horizon, and answering so that a 2xx acks the
// message and anything else has Pub/Sub deliver it again with backoff.
package push

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

// Handler handles a message's data: nil acks it, an error has Pub/Sub deliver it again.
type Handler interface {
	HandleMessage(ctx context.Context, data []byte) error
}

// Config tunes a push function; zero fields take the defaults.
type Config struct {
	// Topic names the messages in logs ("run-task", "notify").
	Topic string
	// RetryHorizon is how old a message may be: an older one is acked and logged, because the
	// database and the periodic passes trigger its work anew (default 30 min).
	RetryHorizon time.Duration
	// MaxBody bounds a push request (default 1 MiB).
	MaxBody int64
	Now     func() time.Time
	Log     *slog.Logger
}

// New returns the function. Authenticating the pusher is the caller's to add (oidc.Verifier).
func New(h Handler, cfg Config) http.HandlerFunc {
	if cfg.RetryHorizon <= 0 {
		cfg.RetryHorizon = 30 * time.Minute
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
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
		ctx, log := r.Context(), cfg.Log.With(slog.String("topic", cfg.Topic))
		d, err := decode(ctx, r, cfg.MaxBody)
		if err != nil {
			// Redelivery cannot fix a body that does not parse; ack it.
			log.ErrorContext(ctx, "dropping undecodable push", slog.String("error", err.Error()))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		log = log.With(slog.String("message_id", d.Message.MessageID))
		if age := cfg.Now().Sub(d.Message.PublishTime); !d.Message.PublishTime.IsZero() && age > cfg.RetryHorizon {
			log.WarnContext(ctx, "dropping a message older than the retry horizon; its work is triggered anew",
				slog.String("age", age.Round(time.Second).String()), slog.String("horizon", cfg.RetryHorizon.String()), slog.String("data", string(d.Message.Data)))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if err := h.HandleMessage(ctx, d.Message.Data); err != nil {
			log.WarnContext(ctx, "message not done; Pub/Sub will deliver it again", slog.String("error", err.Error()))
			http.Error(w, "not done; deliver again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

var errNoMessage = errors.New("no message data")

// decode reads either shape of a Pub/Sub delivery.
func decode(ctx context.Context, r *http.Request, maxBody int64) (MessagePublishedData, error) {
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
