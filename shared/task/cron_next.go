package task

import (
	"math"
	"math/bits"
	"time"
)

// maxZonePeriods bounds the walk over a zone's offset changes in Next. Go
// reports at most three periods a year (it also splits at each new year once
// it extrapolates from a zone's TZ rule), so this covers over 300 years, far
// more than any satisfiable schedule needs: the longest gap is about 40
// years, for a 29 February that must also be a given weekday.
const maxZonePeriods = 1000

// Next returns the first time the schedule fires strictly after after, in
// after's location, so that iterating Next never repeats or goes backwards.
//
// Fire times are wall-clock times in the schedule's zone. Daylight-saving
// changes are handled the way Vixie cron handles them, so that a daily job
// runs once a day and an hourly job keeps pulsing:
//
//   - A schedule that fires in every hour of the day (such as "*/15 * * * *"
//     or @hourly) follows the clock: a wall time the clock skips is skipped,
//     and a wall time the clock repeats fires both times.
//   - Any other schedule fires each matching wall time exactly once: a time
//     the clock skips (02:30 on a spring-forward night in New York) fires at
//     the first instant after the gap (03:00 daylight time), and a time the
//     clock repeats (01:30 on a fall-back night) fires at its first
//     occurrence only.
//
// It returns the zero Time only for the zero Cron.
func (c Cron) Next(after time.Time) time.Time {
	loc := c.Location()
	p := periodAt(after.In(loc))
	for range maxZonePeriods {
		t, done := c.nextInPeriod(after, p)
		if done {
			if t.IsZero() {
				return t
			}
			return t.In(after.Location())
		}
		if p.end.IsZero() {
			return time.Time{}
		}
		p = periodAt(p.end.In(loc))
	}
	return time.Time{}
}

// period is a stretch of real time during which a zone's UTC offset does not
// change. A zero start means since ever; a zero end means for ever.
type period struct {
	start, end         time.Time
	offset, prevOffset time.Duration
}

// periodAt returns the period containing t, read in t's location.
//
// Past a zone's last listed transition Go extrapolates from the TZ rule and,
// in leap years, ends the year's last period a day early, so ZoneBounds can
// report an end at or before t (golang/go#81583). No offset changes there, so
// the period is joined with the one that follows the real year end.
func periodAt(t time.Time) period {
	start, end := t.ZoneBounds()
	_, off := t.Zone()
	if !end.IsZero() && !end.After(t) {
		later := end.Add(36 * time.Hour).In(t.Location())
		if _, o := later.Zone(); o == off {
			_, end = later.ZoneBounds()
		}
		if !end.After(t) {
			end = t.Add(time.Minute) // never stall; the offset is right for this minute
		}
	}
	p := period{start: start, end: end, offset: seconds(off), prevOffset: seconds(off)}
	if !start.IsZero() {
		_, prev := start.Add(-time.Nanosecond).Zone()
		p.prevOffset = seconds(prev)
	}
	return p
}

// nextInPeriod looks for the first fire after after within p. done is false
// when the search must continue in the following period; a zero time with
// done set means the schedule never fires. The wall-clock scan stops at the
// period's end so that a rare schedule costs time in proportion to how far
// away its next fire is.
func (c Cron) nextInPeriod(after time.Time, p period) (t time.Time, done bool) {
	clockPulse := c.spec.everyHour()
	lowest := ceilMinute(wallTime(after, p.offset).Add(time.Nanosecond))
	if !p.start.IsZero() {
		startWall := wallTime(p.start, p.offset)
		beforeWall := wallTime(p.start, p.prevOffset)
		if p.prevOffset < p.offset && !clockPulse && p.start.After(after) {
			if !c.spec.nextWall(ceilMinute(beforeWall), startWall).IsZero() {
				return p.start, true
			}
		}
		lowest = latest(lowest, ceilMinute(startWall))
		if p.prevOffset > p.offset && !clockPulse {
			lowest = latest(lowest, ceilMinute(beforeWall))
		}
	}
	var endWall time.Time
	if !p.end.IsZero() {
		endWall = wallTime(p.end, p.offset)
	}
	w := c.spec.nextWall(lowest, endWall)
	if w.IsZero() {
		return time.Time{}, p.end.IsZero()
	}
	return w.Add(-p.offset), true
}

// wallTime returns the wall clock reading of t at the given offset, expressed
// as a UTC time so that calendar arithmetic on it never meets a DST change.
func wallTime(t time.Time, offset time.Duration) time.Time {
	return t.UTC().Add(offset)
}

// ceilMinute rounds t up to a whole minute.
func ceilMinute(t time.Time) time.Time {
	r := t.Truncate(time.Minute)
	if r.Before(t) {
		r = r.Add(time.Minute)
	}
	return r
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// seconds converts a zone offset in seconds to a Duration.
func seconds(n int) time.Duration {
	return time.Duration(n) * time.Second
}

// nextWall returns the first matching wall-clock minute at or after from and
// before until (whole minutes in UTC standing for wall times), or the zero
// Time when there is none. A zero until means within 400 years, a full
// Gregorian cycle.
func (s spec) nextWall(from, until time.Time) time.Time {
	if until.IsZero() {
		until = from.AddDate(400, 0, 0)
	}
	for t := from; t.Before(until); {
		y, m, d := t.Date()
		if s.month&(1<<uint(m)) == 0 {
			t = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if !s.dayMatches(t) {
			t = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		h, ok := nextBit(s.hour, t.Hour())
		if !ok {
			t = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		firstMinute := 0
		if h == t.Hour() {
			firstMinute = t.Minute()
		}
		minute, ok := nextBit(s.minute, firstMinute)
		if !ok {
			t = time.Date(y, m, d, h+1, 0, 0, 0, time.UTC)
			continue
		}
		if at := time.Date(y, m, d, h, minute, 0, 0, time.UTC); at.Before(until) {
			return at
		}
		break
	}
	return time.Time{}
}

// nextBit returns the lowest set bit of set at or above from.
func nextBit(set uint64, from int) (int, bool) {
	n := bits.TrailingZeros64(set & (math.MaxUint64 << uint(from)))
	return n, n < 64
}

// dayMatches applies cron's day rule: when both day fields are restricted
// (neither starts with "*") a day matching either one fires; otherwise the
// day must match both.
func (s spec) dayMatches(t time.Time) bool {
	domMatch := s.dom&(1<<uint(t.Day())) != 0
	dowMatch := s.dow&(1<<uint(t.Weekday())) != 0
	if s.domStar || s.dowStar {
		return domMatch && dowMatch
	}
	return domMatch || dowMatch
}

// everyHour reports whether the schedule fires in every hour of the day,
// which makes it a clock pulse for the DST rules in Next.
func (s spec) everyHour() bool {
	return s.hour == 1<<24-1
}

// satisfiable reports whether the schedule fires at all. Each weekday falls on
// every day of every month within a 28-year cycle, so only the month and day
// of month can make a schedule impossible (30 February).
func (s spec) satisfiable() bool {
	if !s.domStar && !s.dowStar {
		return s.month != 0 && s.dow != 0
	}
	for m := time.January; m <= time.December; m++ {
		if s.month&(1<<uint(m)) == 0 {
			continue
		}
		days := time.Date(2000, m+1, 0, 0, 0, 0, 0, time.UTC).Day() // 2000 is a leap year
		if s.dom&(1<<uint(days+1)-1) != 0 {
			return true
		}
	}
	return false
}

// minWallGap returns the shortest wall-clock time between two consecutive
// fires, so validation can refuse schedules that would run too often. It
// reads the fields rather than sampling so rare close pairs are not missed.
func (s spec) minWallGap() time.Duration {
	gap, first, last := math.MaxInt32, -1, -1
	for h := 0; h < 24; h++ {
		if s.hour&(1<<uint(h)) == 0 {
			continue
		}
		for m := 0; m < 60; m++ {
			if s.minute&(1<<uint(m)) == 0 {
				continue
			}
			at := h*60 + m
			if last >= 0 {
				gap = min(gap, at-last)
			} else {
				first = at
			}
			last = at
		}
	}
	if wrap := first + 24*60 - last; first >= 0 && wrap < gap && s.firesOnConsecutiveDays() {
		gap = wrap
	}
	if gap == math.MaxInt32 {
		// One fire a day at most, never on consecutive days: at least a day apart. (Multiplying
		// the sentinel by a minute would overflow into a negative duration.)
		return 24 * time.Hour
	}
	return time.Duration(gap) * time.Minute
}

// firesOnConsecutiveDays reports whether two adjacent calendar days can both
// match. 2001 to 2028 holds every combination of weekday, month, day and leap
// year that the Gregorian calendar repeats.
func (s spec) firesOnConsecutiveDays() bool {
	matches := func(t time.Time) bool {
		return s.month&(1<<uint(t.Month())) != 0 && s.dayMatches(t)
	}
	prev := false
	for t := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC); t.Year() < 2029; t = t.AddDate(0, 0, 1) {
		cur := matches(t)
		if cur && prev {
			return true
		}
		prev = cur
	}
	return false
}
