package task

import (
	"time"

	"github.com/google/uuid"
)

// AlertCause is what an alert is about, in a word a program can read. A task has at most one
// open alert per cause, so a watch that keeps failing tells its owner once.
type AlertCause string

// The causes of alerts.
const (
	// AlertFailing: the task's last runs all failed.
	AlertFailing AlertCause = "failing"
	// AlertOverdue: the task has not finished a run for longer than its schedule allows.
	AlertOverdue AlertCause = "overdue"
	// AlertSpendCap: a run was not started because the month's spend reached a cap or budget.
	AlertSpendCap AlertCause = "spend_cap"
	// AlertWebhookGone: Torale disabled a webhook endpoint of the task that answered 410 Gone.
	AlertWebhookGone AlertCause = "webhook_gone"
	// AlertWebhookFailing: the task's webhook endpoint has failed every delivery for a day.
	AlertWebhookFailing AlertCause = "webhook_failing"
)

// Valid reports whether c is a known cause.
func (c AlertCause) Valid() bool {
	switch c {
	case AlertFailing, AlertOverdue, AlertSpendCap, AlertWebhookGone, AlertWebhookFailing:
		return true
	}
	return false
}

// RunCauses are the alerts a finished run can end: the ones about the task's runs, not its
// endpoints.
var RunCauses = []AlertCause{AlertFailing, AlertOverdue, AlertSpendCap}

// AlertPhase is which message of an alert an outbox row carries.
type AlertPhase string

// The phases of an alert's messages.
const (
	AlertOpened   AlertPhase = "opened"
	AlertResolved AlertPhase = "resolved"
)

// Alert tells a task's owner that something is wrong with it: Message says what in plain words,
// Advice what to do. It is open until ResolvedAt.
type Alert struct {
	ID         uuid.UUID
	UserID     uuid.UUID
	TaskID     uuid.UUID
	Cause      AlertCause
	Message    string
	Advice     string
	OpenedAt   time.Time
	ResolvedAt *time.Time
}

// Words are what a message about the alert says in each phase: its headline, the text, and
// what to do (none once it is over). Every channel's message is built from them.
func (a Alert) Words(phase AlertPhase) (headline, text, advice string) {
	if phase == AlertResolved {
		return a.Cause.Headline(true), "It is fine again. What was wrong: " + a.Message, ""
	}
	return a.Cause.Headline(false), a.Message, a.Advice
}

// Open reports whether the alert has not been resolved.
func (a Alert) Open() bool { return a.ResolvedAt == nil }

// Headline is an alert's title in a few words: what broke, or that it recovered.
func (c AlertCause) Headline(resolved bool) string {
	if resolved {
		switch c {
		case AlertSpendCap:
			return "Your watch runs again"
		case AlertWebhookGone, AlertWebhookFailing:
			return "Your webhook works again"
		}
		return "Your watch has recovered"
	}
	switch c {
	case AlertFailing:
		return "Your watch keeps failing"
	case AlertOverdue:
		return "Your watch has stopped running"
	case AlertSpendCap:
		return "Your watch was not run: spend cap reached"
	case AlertWebhookGone:
		return "Torale stopped posting to your webhook"
	case AlertWebhookFailing:
		return "Your webhook has been failing for a day"
	}
	return "Your watch needs attention"
}
