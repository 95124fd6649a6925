package task

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNextRun(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time {
		p := now.Add(d)
		return &p
	}
	hourly := Rules{MinInterval: time.Hour, MaxAhead: 7 * 24 * time.Hour, DefaultGap: 6 * time.Hour}
	tests := []struct {
		name     string
		schedule string
		zone     string
		proposed *time.Time
		rules    Rules
		want     time.Time
	}{
		{"proposal below the minimum is clamped up", "", "", at(5 * time.Minute), Rules{}, now.Add(15 * time.Minute)},
		{"proposal in the past is clamped up", "", "", at(-time.Hour), Rules{}, now.Add(15 * time.Minute)},
		{"proposal beyond the maximum is clamped down", "", "", at(40 * 24 * time.Hour), Rules{}, now.Add(30 * 24 * time.Hour)},
		{"proposal inside the window is kept", "", "", at(2 * time.Hour), Rules{}, now.Add(2 * time.Hour)},
		{"proposal at the minimum is kept", "", "", at(15 * time.Minute), Rules{}, now.Add(15 * time.Minute)},
		{"proposal at the maximum is kept", "", "", at(30 * 24 * time.Hour), Rules{}, now.Add(30 * 24 * time.Hour)},
		{"proposal wins over the schedule", "0 9 * * *", "UTC", at(3 * time.Hour), Rules{}, now.Add(3 * time.Hour)},
		{"no proposal follows the schedule", "0 9 * * *", "America/New_York", nil, Rules{},
			time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)}, // 09:00 EDT
		{"no proposal and no schedule waits the default gap", "", "", nil, Rules{}, now.Add(24 * time.Hour)},
		{"custom minimum", "", "", at(30 * time.Minute), hourly, now.Add(time.Hour)},
		{"custom maximum", "", "", at(10 * 24 * time.Hour), hourly, now.Add(7 * 24 * time.Hour)},
		{"custom gap", "", "Europe/Paris", nil, hourly, now.Add(6 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NextRun(tc.schedule, tc.zone, tc.proposed, now, tc.rules)
			require.NoError(t, err)
			require.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
		})
	}
}

func TestNextRunRejectsBadSchedule(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	_, err := NextRun("61 * * * *", "UTC", nil, now, Rules{})
	require.ErrorContains(t, err, "minute")
	_, err = NextRun("", "Mars/Base", nil, now, Rules{})
	require.ErrorContains(t, err, `unknown time zone "Mars/Base"`)
}

func TestFirstRun(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		schedule string
		now      bool
		want     time.Time
	}{
		{"immediately with a schedule", "0 9 * * *", true, now},
		{"immediately without a schedule", "", true, now},
		{"later with a schedule waits for it", "0 9 * * *", false, time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)},
		{"later without a schedule runs now", "", false, now},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := FirstRun(tc.schedule, "UTC", tc.now, now)
			require.NoError(t, err)
			require.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
		})
	}
	_, err := FirstRun("@every 1h", "UTC", true, now)
	require.ErrorContains(t, err, "@every is not supported")
}

func TestDefaultRules(t *testing.T) {
	t.Parallel()
	require.Equal(t, Rules{MinInterval: 15 * time.Minute, MaxAhead: 30 * 24 * time.Hour, DefaultGap: 24 * time.Hour}, DefaultRules())
	require.Equal(t, DefaultRules(), Rules{}.withDefaults())
	custom := Rules{MinInterval: time.Hour}
	require.Equal(t, time.Hour, custom.withDefaults().MinInterval)
	require.Equal(t, 24*time.Hour, custom.withDefaults().DefaultGap)
}

func TestDescribeDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "15 minutes",
		time.Minute:      "1 minute",
		time.Hour:        "1 hour",
		3 * time.Hour:    "3 hours",
		90 * time.Second: "1m30s",
	} {
		require.Equal(t, want, describeDuration(d))
	}
}
