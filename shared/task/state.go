// Package task defines what a Torale watch is and the rules every service
// applies to it: how a submitted definition is validated and normalised, how
// its cron schedule fires across daylight-saving changes, when it runs next,
// and which state changes are allowed. It does no I/O and reads no clock;
// callers pass the current time in.
package task

import "fmt"

// State is where a task is in its life; only active tasks are scheduled.
type State string

// The states a task can be in.
const (
	// StateActive tasks are run on their schedule.
	StateActive State = "active"
	// StatePaused tasks keep their definition but are not run.
	StatePaused State = "paused"
	// StateCompleted tasks have notified once (notify behaviour "once") or
	// were finished by the user; they can be restarted.
	StateCompleted State = "completed"
)

// Valid reports whether s is one of the known states, so that values read
// from requests or the database can be checked before use.
func (s State) Valid() bool {
	switch s {
	case StateActive, StatePaused, StateCompleted:
		return true
	}
	return false
}

// NotifyBehavior says whether a task stops after its first notification, so
// that a one-off question ("tell me when tickets go on sale") does not keep
// spending searches.
type NotifyBehavior string

// The notify behaviours a task can have.
const (
	// NotifyOnce completes the task after the first notification.
	NotifyOnce NotifyBehavior = "once"
	// NotifyAlways keeps the task active and notifies on every match.
	NotifyAlways NotifyBehavior = "always"
)

// ChannelType names a way of reaching the user; each has its own sender.
type ChannelType string

// The notification channels a task can use.
const (
	ChannelEmail   ChannelType = "email"
	ChannelWebhook ChannelType = "webhook"
	// ChannelChat is a chat or push channel the user saved (Slack, Telegram, ntfy, ...),
	// named by its id; without one, every channel the user marked as a default.
	ChannelChat ChannelType = "channel"
)

// Notification is one place a task's alerts go. A task has at most one email and
// one webhook, and names each saved channel at most once, so that a user is never
// told the same thing twice on a channel.
type Notification struct {
	Type ChannelType
	// Address is the recipient of an email notification.
	Address string
	// URL is where a webhook notification is posted; empty means the user's
	// default webhook.
	URL string
	// ChannelID names a saved channel for a "channel" notification, in canonical uuid form;
	// empty means every channel the user marked as a default.
	ChannelID string
}

// CanTransition reports whether a task may move from one state to another,
// so that handlers can offer only the actions that will succeed. Staying in
// the same (valid) state is allowed and changes nothing.
func CanTransition(from, to State) bool {
	return Transition(from, to) == nil
}

// Transition checks a state change requested by a user or the runner. The
// allowed changes are active to paused or completed, paused to active or
// completed, and completed back to active (a restart). Asking for the state
// a task is already in returns nil; callers detect that no-op by from == to.
// Any other change returns a *TransitionError.
func Transition(from, to State) error {
	if !from.Valid() || !to.Valid() {
		return &TransitionError{From: from, To: to}
	}
	if from == to {
		return nil
	}
	switch {
	case from == StateActive && (to == StatePaused || to == StateCompleted),
		from == StatePaused && (to == StateActive || to == StateCompleted),
		from == StateCompleted && to == StateActive:
		return nil
	}
	return &TransitionError{From: from, To: to}
}

// TransitionError is returned for a state change that is not allowed, so
// that the API can answer with a conflict naming both states.
type TransitionError struct {
	From, To State
}

// Error names both states, e.g. cannot change a task from "completed" to "paused".
func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot change a task from %q to %q", e.From, e.To)
}
