package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAlertSettings(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, 3, c.Alerts.AfterFailures)
	require.InDelta(t, 25.0, c.Alerts.MonthlySpendCapUSD, 1e-9)

	c, err = FromEnv(env(map[string]string{"TORALE_ALERT_AFTER_FAILURES": "5", "TORALE_MONTHLY_SPEND_CAP_USD": "0"}))
	require.NoError(t, err)
	require.Equal(t, 5, c.Alerts.AfterFailures)
	require.Zero(t, c.Alerts.MonthlySpendCapUSD, "0 turns the cap off")

	_, err = FromEnv(env(map[string]string{"TORALE_MONTHLY_SPEND_CAP_USD": "-1", "TORALE_ALERT_AFTER_FAILURES": "0"}))
	require.ErrorContains(t, err, "TORALE_MONTHLY_SPEND_CAP_USD")
	require.ErrorContains(t, err, "TORALE_ALERT_AFTER_FAILURES")
}
