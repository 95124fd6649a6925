package schedule

import (
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TriggerErrorKind says why Cloud Scheduler refused a change.
type TriggerErrorKind string

// The kinds of TriggerError.
const (
	// TriggerQuota: the project's Cloud Scheduler quota is used up (jobs per region, or job
	// writes per minute).
	TriggerQuota TriggerErrorKind = "quota"
	// TriggerPermission: Torale's service account may not manage jobs.
	TriggerPermission TriggerErrorKind = "permission"
	// TriggerUnavailable: Cloud Scheduler did not answer in time.
	TriggerUnavailable TriggerErrorKind = "unavailable"
)

// TriggerError is a task change that Cloud Scheduler refused or could not take, so the change
// was not stored. Message is written for the user and safe to show; Err keeps the detail for
// the log. The API answers it with 503 Service Unavailable (with Retry-After when RetryAfter
// is set): the request was fine, the platform could not carry it out.
type TriggerError struct {
	Kind       TriggerErrorKind
	Message    string
	RetryAfter time.Duration
	Err        error
}

func (e *TriggerError) Error() string { return e.Message + " (" + e.Err.Error() + ")" }

func (e *TriggerError) Unwrap() error { return e.Err }

// wrap turns a Cloud Scheduler error into a TriggerError when the user should hear about it,
// and into a plain wrapped error otherwise.
func (c *CloudScheduler) wrap(err error, doing string) error {
	if err == nil {
		return nil
	}
	err = fmt.Errorf("cloud scheduler: %s: %w", doing, err)
	switch status.Code(err) {
	case codes.ResourceExhausted:
		return &TriggerError{Kind: TriggerQuota, RetryAfter: time.Minute, Err: err,
			Message: "The scheduler's quota is used up, so this change was not saved. Try again in a minute; if it keeps happening, an operator needs to raise the Cloud Scheduler quota or switch to sweep mode."}
	case codes.PermissionDenied, codes.Unauthenticated:
		return &TriggerError{Kind: TriggerPermission, Err: err,
			Message: "Torale is not allowed to manage its scheduler jobs, so this change was not saved. An operator needs to grant its service account the Cloud Scheduler Admin role."}
	case codes.Unavailable, codes.DeadlineExceeded:
		return &TriggerError{Kind: TriggerUnavailable, RetryAfter: 10 * time.Second, Err: err,
			Message: "The scheduler is not answering, so this change was not saved. Try again shortly."}
	}
	return err
}
