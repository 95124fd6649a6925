package task

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fuzzZone picks a zone for the fuzzer to bind a schedule to: no DST,
// whole-hour DST in both hemispheres, a 30-minute shift, a half-hour base
// offset, and Samoa, which skipped a whole day in 2011.
func fuzzZone(n uint8) string {
	zones := [...]string{
		"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe",
		"Asia/Kolkata", "America/Sao_Paulo", "Pacific/Apia",
	}
	return zones[int(n)%len(zones)]
}

// fuzzTime maps any int64 onto an instant between 1970 and about 2120.
func fuzzTime(n int64) time.Time {
	const span = 150 * 365 * 24 * 60 * 60
	if n < 0 {
		n = -(n + 1)
	}
	return time.Unix(n%span, n%1e9)
}

func FuzzParseCron(f *testing.F) {
	seeds := []string{
		"* * * * *", "*/15 * * * *", "0 9 * * 1-5", "30 2 * * *", "30 1 * * *",
		"0 0 29 2 *", "0 0 13 * fri", "5,55 0,23 1,31 * *", "0-59/7 */5 1-10/3 jan-jun sun-wed",
		"@hourly", "@DAILY", "@weekly", "@monthly", "@yearly", "@annually", "@midnight",
		"", "0 0 0 * * *", "61 * * * *", "0 0 30 2 *", "@every 5m", "@reboot",
		"TZ=UTC", "CRON_TZ=Europe/London 0 0 * * *", "*/0 * * * *", "1,,2 * * * *",
		"5-1 * * * *", "0 0 * * 7", "? * * * *", "\u00a00 0 * * *\u2003",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i), int64(1_772_000_000+i*7_919_000))
	}
	// Late in leap years past 2037, where Go's ZoneBounds misreports the
	// year's last period (golang/go#81583).
	f.Add("0 0 1 1 *", uint8(1), time.Date(2092, 12, 30, 12, 0, 0, 0, time.UTC).Unix())
	f.Add("*/15 * * * *", uint8(3), time.Date(2040, 12, 30, 20, 0, 0, 0, time.UTC).Unix())
	f.Fuzz(func(t *testing.T, expr string, zone uint8, unix int64) {
		tz := fuzzZone(zone)
		c, err := ParseCron(expr, tz)
		if err != nil {
			return
		}
		after := fuzzTime(unix)
		next := c.Next(after)
		require.True(t, next.After(after), "Next(%s) = %s", after, next)
		then := c.Next(next)
		require.True(t, then.After(next), "Next(%s) = %s", next, then)
		requireFiresAt(t, c, next)

		again, err := ParseCron(c.String(), tz)
		require.NoError(t, err, "canonical form %q", c.String())
		require.Equal(t, c.String(), again.String())
		require.Equal(t, c.spec, again.spec)
		require.True(t, next.Equal(again.Next(after)))
	})
}

// requireFiresAt checks that at is a real fire time of c: either its wall
// time matches the schedule, or it is the first instant after a skipped
// stretch of wall-clock time that held a matching time.
func requireFiresAt(t *testing.T, c Cron, at time.Time) {
	t.Helper()
	local := at.In(c.Location())
	_, off := local.Zone()
	wall := wallTime(at, seconds(off))
	if wall.Second() == 0 && wall.Nanosecond() == 0 && c.spec.nextWall(wall, time.Time{}).Equal(wall) {
		return
	}
	p := periodAt(local)
	require.True(t, p.start.Equal(at), "%s is neither a matching wall time nor a zone change", local)
	require.Less(t, p.prevOffset, p.offset, "%s fires at a zone change that skips no time", local)
}

func FuzzNormalize(f *testing.F) {
	type seed struct {
		name, query, condition, schedule, zone, behavior string
		type1, addr1, url1, type2, addr2, url2           string
		runNow                                           int8
	}
	seeds := []seed{
		{query: "next iPhone release date"},
		{name: " My watch ", query: "concert tickets\r\nMadrid", condition: "on sale", schedule: "0 9 * * mon-fri",
			zone: "Europe/Madrid", behavior: "always", type1: "email", addr1: "Me@Example.COM", type2: "webhook", runNow: 0},
		{query: "ab", zone: "Mars/Base", behavior: "never", type1: "sms", type2: "sms", runNow: 1},
		{query: "price drop", schedule: "*/5 * * * *", type1: "email", addr1: "Bob <bob@x.com>", url1: "https://x"},
		{query: "price drop", schedule: "@every 1h", zone: "Local", type1: "webhook", url1: "https://u:p@x.com/h"},
		{query: "\x00\xff", name: "a\nb", condition: "\x1b", type1: "webhook", url1: "http://:80", addr1: "a@b.co"},
		{query: "   ", schedule: "0 0 0 * * *", type1: "email", addr1: "@", type2: "email", addr2: "a@b.co"},
		{query: "İstanbul weather", type1: "email", addr1: "x@İSTANBUL.COM"},
		{query: "ǆungla news with a very long title that goes on and on and on and on forever", schedule: "@DAILY"},
	}
	for _, s := range seeds {
		f.Add(s.name, s.query, s.condition, s.schedule, s.zone, s.behavior,
			s.type1, s.addr1, s.url1, s.type2, s.addr2, s.url2, s.runNow)
	}
	f.Fuzz(func(t *testing.T, name, query, condition, schedule, zone, behavior,
		type1, addr1, url1, type2, addr2, url2 string, runNow int8) {
		d := Draft{
			Name: name, SearchQuery: query, ConditionDescription: condition,
			Schedule: schedule, Timezone: zone, NotifyBehavior: NotifyBehavior(behavior),
		}
		if type1 != "" || addr1 != "" || url1 != "" {
			d.Notifications = append(d.Notifications, Notification{Type: ChannelType(type1), Address: addr1, URL: url1})
		}
		if type2 != "" || addr2 != "" || url2 != "" {
			d.Notifications = append(d.Notifications, Notification{Type: ChannelType(type2), Address: addr2, URL: url2})
		}
		if runNow >= 0 {
			v := runNow > 0
			d.RunImmediately = &v
		}

		got, err := d.Normalize(Rules{})
		if err != nil {
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "error %v is not a *ValidationError", err)
			require.NotEmpty(t, ve.Fields)
			for _, fe := range ve.Fields {
				require.NotEmpty(t, fe.Field)
				require.NotEmpty(t, fe.Message)
			}
			return
		}
		again, err := got.Normalize(Rules{})
		require.NoError(t, err)
		require.Equal(t, got, again)
		require.NotEmpty(t, got.Name)
		require.LessOrEqual(t, len([]rune(got.Name)), maxNameLen)

		now := time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC)
		first, err := FirstRun(got.Schedule, got.Timezone, *got.RunImmediately, now)
		require.NoError(t, err)
		require.False(t, first.Before(now))
		next, err := NextRun(got.Schedule, got.Timezone, nil, now, Rules{})
		require.NoError(t, err)
		require.True(t, next.After(now))
	})
}
