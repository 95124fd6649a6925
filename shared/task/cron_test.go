package task

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/stretchr/testify/require"
)

func TestParseCronErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, zone, want string
	}{
		{"", "", `invalid cron expression "": is empty`},
		{"* * * *", "", "must have 5 fields (minute hour day-of-month month day-of-week), found 4"},
		{"0 0 0 * * *", "", "found 6; a seconds field is not supported"},
		{"0 0 * * * * *", "", "found 7"},
		{"61 * * * *", "", `minute: "61" is out of range 0-59`},
		{"0 24 * * *", "", `hour: "24" is out of range 0-23`},
		{"0 0 0 * *", "", `day of month: "0" is out of range 1-31`},
		{"0 0 * 13 *", "", `month: "13" is out of range 1-12`},
		{"0 0 * * 8", "", `day of week: "8" is out of range 0-7`},
		{"0 0 * foo *", "", `month: "foo" is not a number or a month name`},
		{"0 0 * * fun", "", `day of week: "fun" is not a number or a day of week name`},
		{"x * * * *", "", `minute: "x" is not a number`},
		{"-1 * * * *", "", "minute: missing value"},
		{"5-1 * * * *", "", `minute: range "5-1" goes backwards`},
		{"1-2-3 * * * *", "", `minute: "2-3" is not a number`},
		{"*/0 * * * *", "", `minute: step "0" must be a number from 1 to 60`},
		{"*/61 * * * *", "", `minute: step "61" must be a number from 1 to 60`},
		{"0 */x * * *", "", `hour: step "x" must be a number from 1 to 24`},
		{"1/2/3 * * * *", "", `minute: step "2/3" must be a number from 1 to 60`},
		{"1,,2 * * * *", "", `minute: empty list item in "1,,2"`},
		{"100 * * * *", "", `minute: "100" is out of range 0-59`},
		{"? * * * *", "", `minute: "?" is not a number`},
		{"0 0 30 2 *", "", "never runs"},
		{"0 0 31 4,6,9,11 *", "", "never runs"},
		{"@every 1h", "", "@every is not supported"},
		{"@reboot", "", `unknown descriptor "@reboot"`},
		{"@daily 5", "", "@daily takes no further fields"},
		{"TZ=UTC 0 0 * * *", "", "time zone prefixes are not supported"},
		{"CRON_TZ=UTC", "", "time zone prefixes are not supported"},
		{"0 0 * * *", "Mars/Base", `unknown time zone "Mars/Base"`},
		{"0 0 * * *", "Local", `time zone "Local" is not allowed`},
	}
	for _, tc := range tests {
		t.Run(tc.expr+"/"+tc.zone, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCron(tc.expr, tc.zone)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestParseCronCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, want string
	}{
		{"  0   9 * * 1-5 ", "0 9 * * 1-5"},
		{"0\t9 * * MON-fri", "0 9 * * MON-fri"},
		{"@DAILY", "@daily"},
		{"@annually", "@annually"},
		{"0 0 29 2 *", "0 0 29 2 *"},
	}
	for _, tc := range tests {
		c, err := ParseCron(tc.expr, "Europe/London")
		require.NoError(t, err, tc.expr)
		require.Equal(t, tc.want, c.String())
		require.Equal(t, "Europe/London", c.Location().String())
		again, err := ParseCron(c.String(), "Europe/London")
		require.NoError(t, err)
		require.Equal(t, c, again)
	}
}

func TestParseCronEquivalentForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
	}{
		{"@hourly", "0 * * * *"},
		{"@daily", "0 0 * * *"},
		{"@midnight", "0 0 * * *"},
		{"@weekly", "0 0 * * 0"},
		{"@monthly", "0 0 1 * *"},
		{"@yearly", "0 0 1 1 *"},
		{"0 0 * * 7", "0 0 * * 0"},
		{"0 0 * * sun", "0 0 * * 0"},
		{"0 0 * * 5-7", "0 0 * * 0,5,6"},
		{"0 0 * jan-mar *", "0 0 * 1,2,3 *"},
		{"5/20 * * * *", "5,25,45 * * * *"},
		{"0-59/30 * * * *", "*/30 * * * *"},
		{"0 0 * * 1/2", "0 0 * * 1,3,5"},
	}
	for _, tc := range tests {
		a, err := ParseCron(tc.a, "")
		require.NoError(t, err, tc.a)
		b, err := ParseCron(tc.b, "")
		require.NoError(t, err, tc.b)
		require.Equal(t, b.spec, a.spec, "%s vs %s", tc.a, tc.b)
	}
}

// TestCronDayFields checks cron's rule for day of month and day of week:
// either one when both are restricted, both when one starts with "*".
func TestCronDayFields(t *testing.T) {
	t.Parallel()
	after := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // a Sunday
	tests := []struct {
		expr  string
		after time.Time
		want  []string
	}{
		{"0 0 13 * 5", after, []string{"2026-03-06", "2026-03-13", "2026-03-20"}},   // Fridays or the 13th
		{"0 0 */10 * 1", after, []string{"2026-05-11", "2026-06-01", "2026-08-31"}}, // days 1, 11, 21, 31 that are Mondays
		{"0 0 * * 1", after, []string{"2026-03-02", "2026-03-09", "2026-03-16"}},
		{"0 0 29 2 *", after, []string{"2028-02-29", "2032-02-29", "2036-02-29"}},
		// 2100 is not a leap year; robfig/cron gives up after five years here.
		{"0 0 29 2 *", time.Date(2097, 1, 1, 0, 0, 0, 0, time.UTC), []string{"2104-02-29", "2108-02-29"}},
	}
	for _, tc := range tests {
		c, err := ParseCron(tc.expr, "UTC")
		require.NoError(t, err)
		at := tc.after
		for _, w := range tc.want {
			at = c.Next(at)
			require.Equal(t, w, at.Format(time.DateOnly), tc.expr)
		}
	}
}

// TestCronNextMatchesRobfigInUTC compares Next with robfig/cron's
// SpecSchedule where the two agree on meaning: in UTC, with no day-field
// steps (robfig treats "*/2" as restricted, Vixie cron as unrestricted).
func TestCronNextMatchesRobfigInUTC(t *testing.T) {
	t.Parallel()
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	exprs := []string{
		"* * * * *", "*/7 * * * *", "5,35 */3 * * *", "0 9-17 * * mon-fri",
		"15 4 1,15 * *", "0 0 13 * 5", "30 23 31 * *", "0 12 * feb,aug sun",
		"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "0 0 29 2 *",
		"45 6 10-20/3 3-9 1-5", "0 22 * * 6",
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, expr := range exprs {
		ours, err := ParseCron(expr, "UTC")
		require.NoError(t, err, expr)
		theirs, err := parser.Parse(expr)
		require.NoError(t, err, expr)
		theirs.(*cron.SpecSchedule).Location = time.UTC
		a, b := start, start
		for range 300 {
			if b = theirs.Next(b); b.IsZero() {
				break // robfig searches only five years ahead
			}
			a = ours.Next(a)
			require.Equal(t, b, a, expr)
		}
	}
}

func TestZeroCronNeverFires(t *testing.T) {
	t.Parallel()
	var c Cron
	require.True(t, c.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero())
	require.Equal(t, "", c.String())
	require.Equal(t, time.UTC, c.Location())
}

func TestNextKeepsCallersLocation(t *testing.T) {
	t.Parallel()
	c, err := ParseCron("0 9 * * *", "Asia/Tokyo")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	next := c.Next(time.Date(2026, 6, 1, 0, 0, 0, 0, ny))
	require.Equal(t, ny, next.Location())
	require.Equal(t, "2026-06-01T20:00:00-04:00", next.Format(time.RFC3339))
}

// TestCronNextFarAway covers the rarest kind of schedule, a 29 February that
// must also be a Sunday, across 2100 (not a leap year) in a zone with DST.
func TestCronNextFarAway(t *testing.T) {
	t.Parallel()
	c, err := ParseCron("0 0 29 2 */7", "America/New_York")
	require.NoError(t, err)
	at := time.Date(2089, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, want := range []string{"2128-02-29T00:00:00-05:00", "2156-02-29T00:00:00-05:00"} {
		at = c.Next(at)
		require.Equal(t, want, at.In(c.Location()).Format(time.RFC3339))
	}
}
