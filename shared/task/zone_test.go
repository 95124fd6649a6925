package task

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Names a host's zoneinfo directory resolves but the tz database does not define were stored as
// sent (issue 11, defect 7); they are refused wherever a zone is read.
func TestZonesOutsideTheIANATableAreRefused(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"posixrules", "right/UTC", "posix/Europe/Paris", "Europe//Paris", "Europe/Paris/", "Factory"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			_, err := Draft{SearchQuery: "iphone release", Timezone: zone}.Normalize(Rules{})
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			require.Contains(t, err.Error(), `timezone: unknown time zone "`+zone+`"`)
			_, err = ParseCron("0 9 * * *", zone)
			require.ErrorContains(t, err, "unknown time zone")
			_, err = FirstRun("", zone, false, time.Now())
			require.ErrorContains(t, err, "unknown time zone")
		})
	}
}

// An alias is stored as its canonical name, so that one zone has one spelling in the database,
// in Cloud Scheduler jobs and in prompts.
func TestZoneAliasesAreStoredCanonical(t *testing.T) {
	t.Parallel()
	for alias, want := range map[string]string{"US/Eastern": "America/New_York", "Asia/Calcutta": "Asia/Kolkata",
		"Etc/UTC": "UTC", "": "UTC", " Europe/Kiev ": "Europe/Kyiv", "Europe/London": "Europe/London"} {
		d, err := Draft{SearchQuery: "iphone release", Timezone: alias}.Normalize(Rules{})
		require.NoError(t, err, alias)
		require.Equal(t, want, d.Timezone, alias)
	}
	c, err := ParseCron("0 9 * * *", "US/Eastern")
	require.NoError(t, err)
	require.Equal(t, "America/New_York", c.Location().String())
	next := c.Next(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, time.Date(2026, 7, 1, 13, 0, 0, 0, time.UTC), next.UTC(), "9:00 EDT")
}
