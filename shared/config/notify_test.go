package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

// key32 is 32 bytes in base64, a key TORALE_SECRET_KEYS accepts.
const key32 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

func TestNotifyConfig(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, config.NotifyConfig{}, c.Notify, "no SMTP, no key, private webhooks refused")

	c, err = config.FromEnv(env(map[string]string{"TORALE_SMTP_URL": "smtps://u:p@mail.example.com",
		"TORALE_EMAIL_FROM": "Torale <alerts@example.com>", "TORALE_WEBHOOK_ALLOW_PRIVATE": "true",
		"TORALE_NOTIFY_SECRET": "0123456789abcdef0123456789abcdef", "TORALE_SECRET_KEYS": "k2:" + key32 + ",k1:" + key32}))
	require.NoError(t, err)
	require.Equal(t, "k2:"+key32+",k1:"+key32, c.Notify.SecretKeys)
	require.True(t, c.Notify.WebhookAllowPrivate)
	require.Equal(t, "smtps://u:p@mail.example.com", c.Notify.SMTPURL)

	_, err = config.FromEnv(env(map[string]string{"TORALE_SMTP_URL": "http://mail", "TORALE_WEBHOOK_ALLOW_PRIVATE": "yes please",
		"TORALE_NOTIFY_SECRET": "short", "TORALE_SECRET_KEYS": "k1:" + key32[:20]}))
	require.Error(t, err)
	for _, key := range []string{"TORALE_SMTP_URL", "TORALE_EMAIL_FROM", "TORALE_WEBHOOK_ALLOW_PRIVATE", "TORALE_NOTIFY_SECRET", "TORALE_SECRET_KEYS"} {
		require.Contains(t, err.Error(), key)
	}
	require.NotContains(t, err.Error(), key32[:20], "a key never appears in an error")
}
