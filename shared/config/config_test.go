package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, "8080", c.Port)
	require.Equal(t, config.SchedulerSweep, c.Scheduler)
	require.Equal(t, 15*time.Minute, c.MinInterval)
	require.Equal(t, 120*time.Second, c.AgentTimeout)
	require.Equal(t, 3, c.MaxAttempts)
}

func TestEveryBadValueIsReported(t *testing.T) {
	_, err := config.FromEnv(env(map[string]string{
		"TORALE_MIN_INTERVAL": "soon", "TORALE_MAX_ATTEMPTS": "-1", "TORALE_SCHEDULER": "cron", "TORALE_LOG_FORMAT": "xml",
		"CLERK_PUBLISHABLE_KEY": "sk_live_oops",
	}))
	require.Error(t, err)
	for _, key := range []string{"TORALE_MIN_INTERVAL", "TORALE_MAX_ATTEMPTS", "TORALE_SCHEDULER", "TORALE_LOG_FORMAT", "CLERK_PUBLISHABLE_KEY"} {
		require.Contains(t, err.Error(), key)
	}
	c, err := config.FromEnv(env(map[string]string{"GOOGLE_API_KEY": "k", "TORALE_PUBLIC_URL": "https://torale.ai/",
		"CLERK_PUBLISHABLE_KEY": " pk_test_Y2xlcmsuZXhhbXBsZS5jb20k "}))
	require.NoError(t, err)
	require.Equal(t, "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", c.ClerkPublishableKey)
	require.Equal(t, "k", c.GeminiAPIKey)
	require.Equal(t, "https://torale.ai", c.PublicURL)
}

func TestDeepRunSettings(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, 15*time.Minute, c.DeepRunTimeout)
	require.Equal(t, "deep-run", c.Cloud.DeepRunSubscription)
	require.Equal(t, 4, c.Cloud.WorkerConcurrency)
	require.Equal(t, 9*time.Second, c.Cloud.ShutdownGrace)

	c, err = config.FromEnv(env(map[string]string{"TORALE_DEEP_RUN_TIMEOUT": "5m", "TORALE_DEEP_RUN_SUBSCRIPTION": "deep-run-b",
		"TORALE_WORKER_CONCURRENCY": "2", "TORALE_SHUTDOWN_GRACE": "22s"}))
	require.NoError(t, err)
	require.Equal(t, 5*time.Minute, c.DeepRunTimeout)
	require.Equal(t, "deep-run-b", c.Cloud.DeepRunSubscription)
	require.Equal(t, 2, c.Cloud.WorkerConcurrency)
	require.Equal(t, 22*time.Second, c.Cloud.ShutdownGrace)

	_, err = config.FromEnv(env(map[string]string{"TORALE_DEEP_RUN_TIMEOUT": "20m"}))
	require.ErrorContains(t, err, "TORALE_DEEP_RUN_TIMEOUT")
	_, err = config.FromEnv(env(map[string]string{"TORALE_WORKER_CONCURRENCY": "many"}))
	require.ErrorContains(t, err, "TORALE_WORKER_CONCURRENCY")
}
