// Package notify is the `notify` Cloud Run function: a Pub/Sub message on the notify topic
// names one outbox row, and the shared notifier sends it (claiming it by id under the same
// lease as the periodic pass, so a duplicate message does nothing). A failed send is acked too,
// because its retry is scheduled in the database, not in Pub/Sub. The push handling is
// functions/push's.
package notify

import (
	"net/http"

	"github.com/torale-ai/torale/functions/push"
)

// Type names kept for callers of this package.
type (
	// MessagePublishedData is a Pub/Sub delivery.
	MessagePublishedData = push.MessagePublishedData
	// Notifier delivers the outbox row a message names.
	Notifier = push.Handler
	// Config tunes the function.
	Config = push.Config
)

// New returns the function. Authenticating the pusher is the caller's to add (oidc.Verifier).
func New(n Notifier, cfg Config) http.HandlerFunc {
	cfg.Topic = "notify"
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10 // notify messages are under a hundred bytes
	}
	return push.New(n, cfg)
}
