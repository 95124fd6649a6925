// Package runtask is the `runtask` Cloud Run function: a Pub/Sub message on the run-task topic
// runs one task through the shared gate and runner. The push handling (both delivery shapes,
// the retry horizon, ack by status) is functions/push's.
package runtask

import (
	"net/http"

	"github.com/torale-ai/torale/functions/push"
)

// Type names kept for callers of this package.
type (
	// MessagePublishedData is a Pub/Sub delivery.
	MessagePublishedData = push.MessagePublishedData
	// Handler runs the task a message names; schedule.Gate in front of the runner is the real one.
	Handler = push.Handler
	// Config tunes the function.
	Config = push.Config
)

// New returns the function. Authenticating the pusher is the caller's to add (oidc.Verifier).
func New(h Handler, cfg Config) http.HandlerFunc {
	cfg.Topic = "run-task"
	return push.New(h, cfg)
}
