package config

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/torale-ai/torale/shared/sealed"
)

// NotifyConfig is how notifications go out. Each field names its variable and default.
type NotifyConfig struct {
	// SMTPURL (TORALE_SMTP_URL, default none) is the mail server: smtp://user:pass@host:587
	// (STARTTLS required; ?starttls=optional|off for local relays) or smtps://user:pass@host:465.
	// Without it the functions server sends no email, and torale dev keeps mail in its local
	// mailbox (GET /api/v1/dev/mailbox).
	SMTPURL string
	// EmailFrom (TORALE_EMAIL_FROM, required with TORALE_SMTP_URL) is the sender, such as
	// "Torale <alerts@example.com>".
	EmailFrom string
	// Secret (TORALE_NOTIFY_SECRET, at least 32 bytes, default none) is the key users' webhook
	// signing secrets and unsubscribe links are derived from. Without it webhooks are off and
	// emails carry no unsubscribe link; torale dev makes one and keeps it under its data dir.
	// Changing it changes every user's webhook secret.
	Secret string
	// SecretKeys (TORALE_SECRET_KEYS, default none) is the keyring that seals the secrets users
	// give Torale (webhook header values, chat channels' tokens): "id:base64key[,id:base64key]",
	// the first key sealing and every key opening, so a key is rotated by putting a new one
	// first, running `torale admin rotate-secrets`, then dropping the old one. Unlike the notify
	// key it may change without changing any secret. Without it those settings cannot be saved;
	// torale dev makes one and keeps it under its data dir.
	SecretKeys string
	// WebhookAllowPrivate (TORALE_WEBHOOK_ALLOW_PRIVATE, default false) lets webhooks use http
	// and reach loopback and private addresses. torale dev sets it; never set it in the cloud.
	WebhookAllowPrivate bool
}

func notifyFromEnv(getenv func(string) string, errs *[]error) NotifyConfig {
	c := NotifyConfig{
		SMTPURL:   strings.TrimSpace(getenv("TORALE_SMTP_URL")),
		EmailFrom: strings.TrimSpace(getenv("TORALE_EMAIL_FROM")),
		Secret:    getenv("TORALE_NOTIFY_SECRET"),
	}
	if spec := strings.TrimSpace(getenv("TORALE_SECRET_KEYS")); spec != "" {
		if _, err := sealed.Parse(spec); err != nil {
			*errs = append(*errs, fmt.Errorf("TORALE_SECRET_KEYS: %w", err))
		} else {
			c.SecretKeys = spec
		}
	}
	c.WebhookAllowPrivate = boolean(getenv, "TORALE_WEBHOOK_ALLOW_PRIVATE", errs)
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		*errs = append(*errs, fmt.Errorf("TORALE_SMTP_URL: it must start with smtp:// or smtps://"))
	}
	if c.SMTPURL != "" && c.EmailFrom == "" {
		*errs = append(*errs, fmt.Errorf("TORALE_EMAIL_FROM: it is required with TORALE_SMTP_URL (e.g. \"Torale <alerts@example.com>\")"))
	}
	if c.EmailFrom != "" {
		if _, err := mail.ParseAddress(c.EmailFrom); err != nil {
			*errs = append(*errs, fmt.Errorf("TORALE_EMAIL_FROM: %q is not an address such as \"Torale <alerts@example.com>\"", c.EmailFrom))
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		*errs = append(*errs, fmt.Errorf("TORALE_NOTIFY_SECRET: it must be at least 32 bytes (try `openssl rand -base64 32`)"))
	}
	return c
}
