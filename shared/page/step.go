package page

import (
	"errors"
	"time"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/task"
)

// Step is a read as a step of a run's trail: the address asked for, the final status, the
// size and the time, and when it failed, why in plain words (Reason), naming a redirect
// when the refusal came at a later hop than the first.
func Step(req Request, p Page, err error, began time.Time) task.Step {
	s := task.Step{Kind: task.StepPage, At: began, Duration: p.Elapsed, URL: req.URL, Status: p.Status, Bytes: p.Bytes}
	if err == nil {
		return s
	}
	s.Failure = Reason(err)
	if p.Redirects > 0 && errors.Is(err, netguard.ErrRefused) {
		s.Failure = "the page redirected to an address Torale does not read: " + refusedReason(err)
	}
	return s
}

func refusedReason(err error) string {
	var refused *netguard.RefusedError
	if errors.As(err, &refused) {
		return refused.Reason
	}
	return err.Error()
}
