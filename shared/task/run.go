package task

import (
	"fmt"
	"time"
)

// Rules are the deployment's scheduling limits. They keep an agent's proposed
// next run from hammering a site or forgetting a task, and give unscheduled
// tasks a cadence. A zero field means its default.
type Rules struct {
	// MinInterval is the shortest time between two runs; default 15 minutes.
	MinInterval time.Duration
	// MaxAhead is the furthest ahead a proposed run may be; default 30 days.
	MaxAhead time.Duration
	// DefaultGap is the time between runs of a task with neither a schedule
	// nor a proposal; default 24 hours.
	DefaultGap time.Duration
}

// DefaultRules returns the limits used when a deployment sets none, so that
// callers can show or log the effective values.
func DefaultRules() Rules {
	return Rules{
		MinInterval: 15 * time.Minute,
		MaxAhead:    30 * 24 * time.Hour,
		DefaultGap:  24 * time.Hour,
	}
}

// withDefaults fills the zero fields of r from DefaultRules.
func (r Rules) withDefaults() Rules {
	d := DefaultRules()
	if r.MinInterval <= 0 {
		r.MinInterval = d.MinInterval
	}
	if r.MaxAhead <= 0 {
		r.MaxAhead = d.MaxAhead
	}
	if r.DefaultGap <= 0 {
		r.DefaultGap = d.DefaultGap
	}
	return r
}

// NextRun decides when a task runs next after a run finishing at now, so
// that the scheduler and the agent's result handler apply one policy.
// proposed is the agent's suggested next run, nil when it made none. A
// proposal is clamped to [now+MinInterval, now+MaxAhead]; without one the
// task runs at the next cron fire after now; with neither a schedule nor a
// proposal it runs DefaultGap after now. schedule and timezone are checked
// even when a proposal wins, so a corrupt task is noticed.
func NextRun(schedule, timezone string, proposed *time.Time, now time.Time, rules Rules) (time.Time, error) {
	at, _, err := Next(schedule, timezone, proposed, now, rules)
	return at, err
}

// FirstRun decides when a newly created or restarted active task first runs:
// at now, unless the user asked not to run immediately and gave a schedule,
// in which case at the schedule's next fire after now. Without a schedule
// there is nothing to wait for, so the task runs at now either way.
func FirstRun(schedule, timezone string, runImmediately bool, now time.Time) (time.Time, error) {
	at, _, err := First(schedule, timezone, runImmediately, now)
	return at, err
}

// optionalCron parses schedule when it is set; the time zone is checked
// either way.
func optionalCron(schedule, timezone string) (Cron, bool, error) {
	if schedule == "" {
		if _, err := loadZone(timezone); err != nil {
			return Cron{}, false, fmt.Errorf("task schedule: %w", err)
		}
		return Cron{}, false, nil
	}
	c, err := ParseCron(schedule, timezone)
	if err != nil {
		return Cron{}, false, fmt.Errorf("task schedule: %w", err)
	}
	return c, true, nil
}

// describeDuration writes d the way a person would in a message: "15
// minutes", "1 hour", falling back to Go's notation for odd values.
func describeDuration(d time.Duration) string {
	unit, n := "", int64(0)
	switch {
	case d%time.Hour == 0:
		unit, n = "hour", int64(d/time.Hour)
	case d%time.Minute == 0:
		unit, n = "minute", int64(d/time.Minute)
	default:
		return d.String()
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}
