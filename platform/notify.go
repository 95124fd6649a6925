package platform

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/channel"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// notifyParts are the notification services of one process.
type notifyParts struct {
	senders  map[task.ChannelType]outbox.Sender
	webhooks *webhook.Service
	// keyring seals the secrets users give Torale; nil without TORALE_SECRET_KEYS.
	keyring  *sealed.Keyring
	verifier *email.Verifier
	api      api.Notify
	feeds    api.Feeds
	// mailer sends account mail (the deletion confirmation); nil without email.
	mailer email.Mailer
}

// newNotify builds the senders and the settings services from the configuration: webhooks when
// the notify key is set, email when a mailer is (d.Mailer, else TORALE_SMTP_URL).
// Only the parts need asks for are made: senders for the notifier, settings for the API.
func newNotify(d Deps, need parts, reporter webhook.Reporter) (notifyParts, error) {
	cfg := d.Config.Notify
	var keys *notifykey.Keys
	if cfg.Secret != "" {
		k, err := notifykey.New(cfg.Secret)
		if err != nil {
			return notifyParts{}, fmt.Errorf("TORALE_NOTIFY_SECRET: %w", err)
		}
		keys = k
	}
	var keyring *sealed.Keyring
	if cfg.SecretKeys != "" {
		k, err := sealed.Parse(cfg.SecretKeys)
		if err != nil {
			return notifyParts{}, fmt.Errorf("TORALE_SECRET_KEYS: %w", err)
		}
		keyring = k
	}
	mailer := d.Mailer
	if mailer == nil && cfg.SMTPURL != "" {
		sc, err := email.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return notifyParts{}, fmt.Errorf("TORALE_SMTP_URL: %w", err)
		}
		m, err := email.NewSMTPMailer(sc, cfg.EmailFrom, 30*time.Second, nil)
		if err != nil {
			return notifyParts{}, err
		}
		mailer = m
		d.Log.Info("email goes out through SMTP", slog.String("smtp", sc.Redacted()))
	}
	if cfg.WebhookAllowPrivate && !d.DevAuth {
		d.Log.Warn("TORALE_WEBHOOK_ALLOW_PRIVATE=true: webhooks may reach loopback, private and metadata addresses")
	}
	guard := netguard.New(netguard.Options{AllowPrivate: cfg.WebhookAllowPrivate})
	renderer := email.NewRenderer(d.Config.PublicURL, keys)
	sender := webhook.NewSender(webhook.Deps{Store: d.Store, Keys: keys, Keyring: keyring, Guard: guard,
		PublicURL: d.Config.PublicURL, Reporter: reporter, Now: d.Now, Log: d.Log})

	chats := channel.Deps{Store: d.Store, Keys: keyring, Guard: guard, PublicURL: d.Config.PublicURL, Now: d.Now, Log: d.Log}
	chatSender := channel.NewSender(chats)
	p := notifyParts{senders: d.Senders, keyring: keyring, mailer: mailer}
	if p.senders == nil && need.notifier {
		// Channels are always sent to: without TORALE_SECRET_KEYS each attempt fails saying so.
		p.senders = map[task.ChannelType]outbox.Sender{task.ChannelChat: chatSender}
		if keys != nil {
			p.senders[task.ChannelWebhook] = sender
		}
		if mailer != nil {
			p.senders[task.ChannelEmail] = email.NewSender(mailer, d.Store, renderer, d.Now)
		}
	}
	if keys == nil {
		d.Log.Warn("TORALE_NOTIFY_SECRET is not set: webhooks are off and emails carry no unsubscribe link")
	} else if keyring == nil {
		d.Log.Warn("TORALE_SECRET_KEYS is not set: webhook signing secrets stay derived from TORALE_NOTIFY_SECRET " +
			"(changing it changes every user's secret) and custom webhook headers cannot be saved")
	}
	if !need.api {
		return p, nil
	}
	p.webhooks = webhook.NewService(d.Store, keys, keyring, guard, sender, d.Now)
	p.verifier = email.NewVerifier(d.Store, mailer, renderer, d.Now, d.Log)
	p.api = api.Notify{Webhooks: p.webhooks, Emails: p.verifier, Unsubscribe: email.NewUnsubscriber(d.Store, keys),
		Channels: channel.NewService(chats, chatSender)}
	// Feed tokens derive from the notify key too; without it the feeds answer 503 and 404.
	p.feeds = api.Feeds{Store: d.Store, Keys: keys, PublicURL: d.Config.PublicURL}
	if d.Mailbox != nil && d.DevAuth {
		p.api.Mailbox = d.Mailbox
	}
	return p, nil
}

// SweepFunc adapts a function to the tick function's Sweeper.
type SweepFunc func(ctx context.Context) (int, error)

// Sweep calls f.
func (f SweepFunc) Sweep(ctx context.Context) (int, error) { return f(ctx) }

// Tick is the periodic pass of a deployment without background loops: it triggers due tasks,
// alerts the owners of overdue watches, and asks for every notification whose retry has come
// due (each even when another fails).
// It returns how many tasks it triggered.
func (p *Platform) Tick(ctx context.Context) (int, error) {
	n, err := p.Sweeper.Sweep(ctx)
	if _, oerr := p.Alerts.CheckOverdue(ctx); oerr != nil {
		err = errors.Join(err, fmt.Errorf("checking for overdue watches: %w", oerr))
	}
	if _, perr := outbox.PublishDue(ctx, p.store, p.bus, p.now(), 500); perr != nil {
		err = errors.Join(err, fmt.Errorf("publishing due notifications: %w", perr))
	}
	return n, err
}

// notifyDeps sets torale dev's notification defaults: webhooks may reach this machine and the
// local network (said at start), the notify key is made once and kept under the data dir, and
// without SMTP email goes to the local mailbox.
func (l *Local) notifyDeps() (Deps, error) {
	var d Deps
	l.Config.Notify.WebhookAllowPrivate = true
	l.Log.Warn("torale dev: webhooks may use http and reach loopback and private addresses (TORALE_WEBHOOK_ALLOW_PRIVATE=true)")
	if l.Config.Notify.Secret == "" {
		key, err := localKey(l.DataDir, "notify.key", func() string {
			return base64.StdEncoding.EncodeToString(append(notifykey.NewSalt(), notifykey.NewSalt()...))
		})
		if err != nil {
			return d, err
		}
		l.Config.Notify.Secret = key
	}
	if l.Config.Notify.SecretKeys == "" {
		keys, err := localKey(l.DataDir, "secret.keys", func() string { return sealed.NewKey("dev") })
		if err != nil {
			return d, err
		}
		l.Config.Notify.SecretKeys = keys
	}
	if l.Config.Notify.SMTPURL == "" {
		d.Mailbox = email.NewMailbox(l.Log, time.Now)
		d.Mailer = d.Mailbox
		l.Log.Info("no TORALE_SMTP_URL: email goes to the local mailbox, GET /api/v1/dev/mailbox")
	}
	return d, nil
}

// localKey reads a dev key from the file name under dataDir, making it with fresh on first
// use, so what it protects survives restarts. Without a data dir the key lasts as long as the
// process.
func localKey(dataDir, name string, fresh func() string) (string, error) {
	if dataDir == "" {
		return fresh(), nil
	}
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
		return string(bytes.TrimSpace(b)), nil
	}
	key := fresh()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", dataDir, err)
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("writing the dev key %s: %w", name, err)
	}
	return key, nil
}
