package task

import "time"

// Upcoming lists a schedule's next n fires after now, each in the schedule's zone (so written
// with that zone's offset at that moment), for a form to show before a task is saved. An empty
// schedule (the agent decides) has none. schedule and timezone are read as NormalizeSchedule
// returns them.
func Upcoming(schedule, timezone string, n int, now time.Time) ([]time.Time, error) {
	out := []time.Time{}
	if schedule == "" {
		return out, nil
	}
	c, err := ParseCron(schedule, timezone)
	if err != nil {
		return nil, err
	}
	at := now
	for range n {
		at = c.Next(at)
		if at.IsZero() {
			break
		}
		out = append(out, at.In(c.Location()))
	}
	return out, nil
}
