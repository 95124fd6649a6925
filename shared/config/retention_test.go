package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

func TestExecutionRetention(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, 8760*time.Hour, c.ExecutionRetention, "a year by default")
	c, err = config.FromEnv(env(map[string]string{"TORALE_EXECUTION_RETENTION": "0"}))
	require.NoError(t, err)
	require.Zero(t, c.ExecutionRetention, "0 keeps every run")
	c, err = config.FromEnv(env(map[string]string{"TORALE_EXECUTION_RETENTION": "720h"}))
	require.NoError(t, err)
	require.Equal(t, 720*time.Hour, c.ExecutionRetention)
	for _, bad := range []string{"-1h", "forever"} {
		_, err = config.FromEnv(env(map[string]string{"TORALE_EXECUTION_RETENTION": bad}))
		require.ErrorContains(t, err, "TORALE_EXECUTION_RETENTION")
	}
}

func TestFindingsRetention(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, 720*time.Hour, c.FindingsRetention, "30 days by default")
	c, err = config.FromEnv(env(map[string]string{"TORALE_FINDINGS_RETENTION": "0"}))
	require.NoError(t, err)
	require.Zero(t, c.FindingsRetention, "0 keeps them")
	c, err = config.FromEnv(env(map[string]string{"TORALE_FINDINGS_RETENTION": "48h"}))
	require.NoError(t, err)
	require.Equal(t, 48*time.Hour, c.FindingsRetention)
	_, err = config.FromEnv(env(map[string]string{"TORALE_FINDINGS_RETENTION": "a month"}))
	require.ErrorContains(t, err, "TORALE_FINDINGS_RETENTION")
}
