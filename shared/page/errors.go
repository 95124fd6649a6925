package page

import (
	"errors"
	"fmt"
)

// Kinds of failure a read ends in. Each error the Reader returns matches one of these (or
// netguard.ErrRefused, when the guard would not connect) with errors.Is, and its text reads
// well to the user who chose the URL: a run records it as a step in plain words.
var (
	ErrRobots          = errors.New("robots.txt does not allow reading this page")
	ErrTooLarge        = errors.New("page too large")
	ErrTimeout         = errors.New("page did not answer in time")
	ErrContentType     = errors.New("not a readable page")
	ErrRedirects       = errors.New("too many redirects")
	ErrStatus          = errors.New("page answered with an error status")
	ErrURL             = errors.New("not a page URL")
	ErrSelector        = errors.New("bad CSS selector")
	ErrSelectorNoMatch = errors.New("the CSS selector matched nothing")
	ErrTooManyPages    = errors.New("too many pages for one run")
)

// RobotsError says which robots.txt rule refused a page, so the user sees why and can ask the
// site or change the URL.
type RobotsError struct {
	Host  string // the site whose robots.txt refused
	Path  string // the path that was refused
	Agent string // the product token Torale reads as ("ToraleBot")
	Group string // the user-agent the rule's group was written for (Agent or "*")
	Rule  string // the deciding line as written ("Disallow: /private/"); empty when the file was unreachable
	// Status is robots.txt's own HTTP status when it answered with a server error, which RFC
	// 9309 asks crawlers to treat as "read nothing" until it answers again.
	Status int
}

// Error names the rule, or the status that made the whole site off-limits.
func (e *RobotsError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("robots.txt on %s answered HTTP %d, so no page there is read until it answers", e.Host, e.Status)
	}
	return fmt.Sprintf("robots.txt on %s does not let %s read %s (rule %q for user-agent %q)",
		e.Host, e.Agent, e.Path, e.Rule, e.Group)
}

// Is makes every RobotsError match ErrRobots.
func (e *RobotsError) Is(target error) bool { return target == ErrRobots }

// StatusError is a page that answered with a status other than 200 (or 304 to a conditional
// request).
type StatusError struct {
	Code int
}

// Error names the status.
func (e *StatusError) Error() string { return fmt.Sprintf("the page answered HTTP %d", e.Code) }

// Is makes every StatusError match ErrStatus.
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

// kindError is an error of one kind with a sentence for the user.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }

func errorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}
}
