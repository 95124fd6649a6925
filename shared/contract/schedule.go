package contract

import "time"

// ScheduleInput is the body of POST /schedules/preview: a schedule and time zone as a task
// takes them (empty fields take the same defaults).
type ScheduleInput struct {
	Schedule string `json:"schedule,omitempty"`
	Timezone string `json:"timezone,omitempty"`
}

// SchedulePreview is a schedule as a task would store it and its next five fires, each written
// with its zone's offset, so a form can show them before the task is saved.
type SchedulePreview struct {
	Schedule string `json:"schedule"`
	Timezone string `json:"timezone"`
	// NextRuns is empty when the schedule is empty (the agent decides).
	NextRuns []time.Time `json:"next_runs"`
}
