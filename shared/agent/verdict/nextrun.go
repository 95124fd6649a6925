package verdict

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Layouts ParseNextRun accepts: full times with an offset, then times and dates read in the
// task's zone.
var (
	withOffset = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04Z07:00", "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04-0700"}
	local = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05",
		"2006-01-02 15:04", "2006-01-02"}
)

// ErrYear is returned for times outside 2000–9999, which no sensible proposal names.
var ErrYear = errors.New("year out of range")

// ParseNextRun reads an ISO 8601 time as models write it. A time without an offset, or a bare
// date (taken as midnight), is read in loc.
func ParseNextRun(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	var t time.Time
	var err error
	for _, layout := range withOffset {
		if t, err = time.Parse(layout, s); err == nil {
			return checkYear(t)
		}
	}
	for _, layout := range local {
		if t, err = time.ParseInLocation(layout, s, loc); err == nil {
			return checkYear(t)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", truncateForError(s))
}

func checkYear(t time.Time) (time.Time, error) {
	if y := t.UTC().Year(); y < 2000 || y > 9999 {
		return time.Time{}, ErrYear
	}
	return t, nil
}

func truncateForError(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
