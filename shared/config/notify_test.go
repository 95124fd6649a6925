package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

func TestNotifyConfig(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, config.NotifyConfig{}, c.Notify, "no SMTP, no key, private webhooks refused")

	c, err = config.FromEnv(env(map[string]string{"TORALE_SMTP_URL": "smtps://u:p@mail.example.com",
		"TORALE_EMAIL_FROM": "Torale <alerts@example.com>", "TORALE_WEBHOOK_ALLOW_PRIVATE": "true",
		"TORALE_NOTIFY_SECRET": "0123456789abcdef0123456789abcdef"}))
	require.NoError(t, err)
	require.True(t, c.Notify.WebhookAllowPrivate)
	require.Equal(t, "smtps://u:p@mail.example.com", c.Notify.SMTPURL)

	_, err = config.FromEnv(env(map[string]string{"TORALE_SMTP_URL": "http://mail", "TORALE_WEBHOOK_ALLOW_PRIVATE": "yes please",
		"TORALE_NOTIFY_SECRET": "short"}))
	require.Error(t, err)
	for _, key := range []string{"TORALE_SMTP_URL", "TORALE_EMAIL_FROM", "TORALE_WEBHOOK_ALLOW_PRIVATE", "TORALE_NOTIFY_SECRET"} {
		require.Contains(t, err.Error(), key)
	}
}
