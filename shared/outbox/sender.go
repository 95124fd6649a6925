package outbox

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Message is everything a sender needs to tell the user about one run, or about one alert.
type Message struct {
	Delivery  task.Delivery
	Task      task.Task
	Execution task.Execution
	// Alert is set, and Execution empty, when the delivery is an alert's message: opened or
	// resolved, as Delivery.AlertPhase says.
	Alert *task.Alert
}

// Receipt is what the far side answered.
type Receipt struct {
	ResponseCode int
	// Latency is how long the far side took, when the sender measured it.
	Latency time.Duration
	// RetryAfter is how long the far side asked to be left alone (429, 503); a retry waits at
	// least this long, up to the last step of RetrySchedule.
	RetryAfter time.Duration
}

// Sender delivers on one channel; each channel (email, webhook, ...) is a package beside this
// one that implements it. An error means "not delivered, try again later"; return a
// *PermanentError (Permanent) when trying again cannot help.
type Sender interface {
	Send(ctx context.Context, m Message) (Receipt, error)
}

// PermanentError marks a send failure that retries cannot fix. Its text is the reason alone,
// written for the user, so the attempt log shows it as it is.
type PermanentError struct {
	Err error
}

// Permanent marks err as a failure no retry can fix; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// Error is the reason, without a marker: permanence is the type's to carry, not the text's.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap lets errors.Is and errors.As see the cause.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err, or anything it wraps, is a *PermanentError.
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}

// ErrNotConfigured means the deployment lacks a setting a notification channel needs (the
// notify key, SMTP); the message names it. Every channel and settings service wraps this one
// value, so the API answers all of them the same way.
var ErrNotConfigured = errors.New("not configured on this deployment")

// TaskURL is where a task is shown in the dashboard; every channel links to it.
func TaskURL(publicURL string, id uuid.UUID) string {
	return publicURL + "/tasks/" + id.String()
}

// Clip cuts s to at most n runes, marking the cut, so agent text fits a channel's limits.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// FailingAfter is how long a channel's endpoint may fail every delivery before its owner is
// told; Torale goes on retrying it (RetrySchedule reaches past it).
const FailingAfter = 24 * time.Hour
