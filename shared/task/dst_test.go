package task

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The 2026 transitions these cases exercise:
//   - America/New_York: 03-08 02:00 EST -> 03:00 EDT; 11-01 02:00 EDT -> 01:00 EST.
//   - Europe/London: 03-29 01:00 GMT -> 02:00 BST; 10-25 02:00 BST -> 01:00 GMT.
//   - Australia/Lord_Howe (30-minute shift): 04-05 02:00 +11 -> 01:30 +10:30;
//     10-04 02:00 +10:30 -> 02:30 +11.
func TestCronNextAcrossDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		expr  string
		zone  string
		after string
		want  []string
	}{
		{"NY daily in the skipped hour fires at the end of the gap", "30 2 * * *", "America/New_York", "2026-03-07T12:00:00-05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}},
		{"NY daily in the repeated hour fires once", "30 1 * * *", "America/New_York", "2026-10-31T12:00:00-04:00",
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		{"NY daily from inside the repeated hour waits a day", "30 1 * * *", "America/New_York", "2026-11-01T01:10:00-05:00",
			[]string{"2026-11-02T01:30:00-05:00"}},
		{"NY daily from after the first occurrence waits a day", "30 1 * * *", "America/New_York", "2026-11-01T01:40:00-04:00",
			[]string{"2026-11-02T01:30:00-05:00"}},
		{"NY hourly skips the missing hour", "0 * * * *", "America/New_York", "2026-03-08T00:30:00-05:00",
			[]string{"2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"}},
		{"NY hourly at half past keeps a real hour apart", "30 * * * *", "America/New_York", "2026-03-08T00:45:00-05:00",
			[]string{"2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00"}},
		{"NY hourly fires in both repeated hours", "0 * * * *", "America/New_York", "2026-11-01T00:30:00-04:00",
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"}},
		{"NY half-hourly through the repeat", "*/30 * * * *", "America/New_York", "2026-11-01T00:45:00-04:00",
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
				"2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"}},
		{"NY several skipped times fire once", "*/15 2 * * *", "America/New_York", "2026-03-08T00:00:00-05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"}},
		{"NY skipped and real time at the same instant fire once", "0 2,3 * * *", "America/New_York", "2026-03-08T00:00:00-05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"}},
		{"NY weekly on the change day", "30 2 * * sun", "America/New_York", "2026-03-01T03:00:00-05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-15T02:30:00-04:00"}},
		{"London daily in the skipped hour", "30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z",
			[]string{"2026-03-29T02:00:00+01:00", "2026-03-30T01:30:00+01:00"}},
		{"London daily in the repeated hour", "30 1 * * *", "Europe/London", "2026-10-24T12:00:00+01:00",
			[]string{"2026-10-25T01:30:00+01:00", "2026-10-26T01:30:00Z"}},
		{"London hourly in spring", "0 * * * *", "Europe/London", "2026-03-29T00:30:00Z",
			[]string{"2026-03-29T02:00:00+01:00", "2026-03-29T03:00:00+01:00"}},
		{"London hourly in autumn", "0 * * * *", "Europe/London", "2026-10-25T00:30:00+01:00",
			[]string{"2026-10-25T01:00:00+01:00", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"}},
		{"Lord Howe daily in the 30-minute gap", "15 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00+10:30",
			[]string{"2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"}},
		{"Lord Howe hourly skips 02:00", "0 * * * *", "Australia/Lord_Howe", "2026-10-04T00:30:00+10:30",
			[]string{"2026-10-04T01:00:00+10:30", "2026-10-04T03:00:00+11:00"}},
		{"Lord Howe half-hourly stays 30 real minutes apart", "*/30 * * * *", "Australia/Lord_Howe", "2026-10-04T01:15:00+10:30",
			[]string{"2026-10-04T01:30:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T03:00:00+11:00"}},
		{"Lord Howe daily in the repeated half hour", "45 1 * * *", "Australia/Lord_Howe", "2026-04-04T12:00:00+11:00",
			[]string{"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}},
		{"Lord Howe quarter-hourly through the repeat", "*/15 * * * *", "Australia/Lord_Howe", "2026-04-05T01:20:00+11:00",
			[]string{"2026-04-05T01:30:00+11:00", "2026-04-05T01:45:00+11:00", "2026-04-05T01:30:00+10:30",
				"2026-04-05T01:45:00+10:30", "2026-04-05T02:00:00+10:30"}},
		{"NY new year in a leap year past the zone file", "0 0 1 1 *", "America/New_York", "2092-12-15T00:00:00-05:00",
			[]string{"2093-01-01T00:00:00-05:00", "2094-01-01T00:00:00-05:00"}},
		{"Lord Howe new year or Sundays past the zone file", "0 0 1 1 0", "Australia/Lord_Howe", "2040-12-31T07:01:00+11:00",
			[]string{"2041-01-01T00:00:00+11:00", "2041-01-06T00:00:00+11:00"}},
		{"UTC weekdays skip the weekend", "0 9 * * 1-5", "UTC", "2026-03-06T10:00:00Z",
			[]string{"2026-03-09T09:00:00Z", "2026-03-10T09:00:00Z"}},
		{"UTC from exactly a fire time", "0 9 * * *", "UTC", "2026-03-06T09:00:00Z",
			[]string{"2026-03-07T09:00:00Z"}},
		{"UTC from a fraction after a fire time", "0 9 * * *", "", "2026-03-06T08:59:59.5Z",
			[]string{"2026-03-06T09:00:00Z", "2026-03-07T09:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseCron(tc.expr, tc.zone)
			require.NoError(t, err)
			at := mustTime(t, tc.after)
			for _, w := range tc.want {
				next := c.Next(at)
				require.Equal(t, w, next.In(c.Location()).Format(time.RFC3339Nano), "after %s", at.Format(time.RFC3339))
				at = next
			}
		})
	}
}

// TestCronNextOverAYear checks the promises Next makes for whole years in
// each zone: strictly increasing, a daily schedule once per local day, and an
// hourly schedule every real hour where the zone shifts by whole hours. 2040
// and 2092 are leap years past the zone files' explicit transitions, where
// Go's ZoneBounds misreports the end of the year (golang/go#81583).
func TestCronNextOverAYear(t *testing.T) {
	t.Parallel()
	zones := []struct {
		name        string
		wholeHourly bool
	}{
		{"UTC", true},
		{"America/New_York", true},
		{"Europe/London", true},
		{"Australia/Lord_Howe", false},
	}
	for _, z := range zones {
		for _, year := range []int{2026, 2040, 2092} {
			t.Run(fmt.Sprintf("%s/%d", z.name, year), func(t *testing.T) {
				t.Parallel()
				loc, err := time.LoadLocation(z.name)
				require.NoError(t, err)
				start := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
				end := time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
				wantDays := int(end.Sub(start).Round(24*time.Hour) / (24 * time.Hour))

				for _, expr := range []string{"30 1 * * *", "30 2 * * *", "15 2 * * *", "0 0 * * *"} {
					c, err := ParseCron(expr, z.name)
					require.NoError(t, err)
					days := map[string]bool{}
					for at := c.Next(start.Add(-time.Nanosecond)); at.Before(end); at = c.Next(at) {
						day := at.In(loc).Format(time.DateOnly)
						require.False(t, days[day], "%s fired twice on %s", expr, day)
						days[day] = true
					}
					require.Equal(t, wantDays, len(days), expr)
				}

				c, err := ParseCron("0 * * * *", z.name)
				require.NoError(t, err)
				prev := c.Next(start)
				for at := c.Next(prev); at.Before(end); prev, at = at, c.Next(at) {
					require.True(t, at.After(prev))
					if z.wholeHourly {
						require.Equal(t, time.Hour, at.Sub(prev), "after %s", prev)
					}
				}
			})
		}
	}
}

// TestPeriodAtLeapYearEnd pins the workaround for golang/go#81583: the period
// around the last UTC day of a leap year past the zone file's transitions
// must contain the instant and end at a real offset change.
func TestPeriodAtLeapYearEnd(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		at := time.Date(2092, 12, 31, 12, 0, 0, 0, time.UTC).In(loc)
		p := periodAt(at)
		require.True(t, p.end.After(at), zone)
		require.False(t, p.start.After(at), zone)
		_, before := p.end.Add(-time.Nanosecond).Zone()
		_, after := p.end.In(loc).Zone()
		require.NotEqual(t, before, after, "%s: period ends at %s without an offset change", zone, p.end)
	}
}

// mustTime parses an RFC 3339 time for a test table.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return at
}
