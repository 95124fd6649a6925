package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

func TestCloudSettings(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.True(t, c.Cloud.PushAuthEnabled(), "push authentication is on unless turned off")
	require.Error(t, c.Cloud.CheckPushAuth())
	require.Equal(t, 30*time.Minute, c.Cloud.RetryHorizon)
	require.Equal(t, 10*time.Minute, c.Cloud.ReconcileEvery)

	c, err = config.FromEnv(env(map[string]string{"TORALE_SCHEDULER": "cloudscheduler", "TORALE_PUBSUB_PROJECT": "proj",
		"TORALE_SCHEDULER_LOCATION": "us-central1", "TORALE_PUSH_AUDIENCE": "https://a.run.app/, https://b.run.app",
		"TORALE_PUSH_SERVICE_ACCOUNT": "push@proj.iam.gserviceaccount.com", "TORALE_RETRY_HORIZON": "1h"}))
	require.NoError(t, err)
	require.Equal(t, "proj", c.Cloud.GCPProject, "the jobs default to the Pub/Sub project")
	require.Equal(t, []string{"https://a.run.app/", "https://b.run.app"}, c.Cloud.PushAudience, "audiences are kept exactly")
	require.NoError(t, c.Cloud.CheckPushAuth())
	require.Equal(t, time.Hour, c.Cloud.RetryHorizon)

	_, err = config.FromEnv(env(map[string]string{"TORALE_SCHEDULER": "cloudscheduler", "TORALE_PUSH_AUTH": "maybe"}))
	require.Error(t, err)
	for _, key := range []string{"TORALE_GCP_PROJECT", "TORALE_SCHEDULER_LOCATION", "TORALE_PUBSUB_PROJECT", "TORALE_PUSH_AUTH"} {
		require.Contains(t, err.Error(), key)
	}
	c, err = config.FromEnv(env(map[string]string{"TORALE_PUSH_AUTH": "off"}))
	require.NoError(t, err)
	require.NoError(t, c.Cloud.CheckPushAuth())
}
