package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
)

// vault reads and makes users' signing secrets. With a keyring they are stored sealed, so they
// survive a change of TORALE_NOTIFY_SECRET: a secret still derived from the notify key is
// derived once more and sealed on first use (its user sees no change), and new ones are random.
// Without a keyring every secret is derived, as before sealed storage existed.
type vault struct {
	store Store
	keys  *notifykey.Keys
	ring  *sealed.Keyring
	now   func() time.Time
}

// fresh returns what a new secret is stored as: a salt (always, for builds that still derive)
// and, with a keyring, a random secret sealed for the user.
func (v vault) fresh(userID uuid.UUID) ([]byte, string, error) {
	salt := notifykey.NewSalt()
	if v.ring == nil {
		return salt, "", nil
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	s, err := v.ring.Seal([]byte("whsec_"+base64.StdEncoding.EncodeToString(raw)), store.WebhookSecretWhere(userID))
	if err != nil {
		return nil, "", fmt.Errorf("sealing a new webhook secret: %w", err)
	}
	return salt, s, nil
}

// load reads the user's record, making it on first use and sealing secrets still derived.
func (v vault) load(ctx context.Context, userID uuid.UUID) (store.Webhook, error) {
	h, err := v.store.GetWebhook(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		salt, s, ferr := v.fresh(userID)
		if ferr != nil {
			return store.Webhook{}, ferr
		}
		h, err = v.store.EnsureWebhook(ctx, userID, salt, s)
	}
	if err != nil {
		return store.Webhook{}, err
	}
	return v.settle(ctx, h)
}

// settle stores the sealed form of a record's derived secrets (the previous one too while it
// still signs), derived under today's notify key, so they no longer depend on it.
func (v vault) settle(ctx context.Context, h store.Webhook) (store.Webhook, error) {
	if v.ring == nil || h.SecretSealed != "" || v.keys == nil {
		return h, nil
	}
	where := store.WebhookSecretWhere(h.UserID)
	current, err := v.ring.Seal([]byte(Secret(v.keys, h.UserID, h.SecretSalt)), where)
	if err != nil {
		return store.Webhook{}, err
	}
	var previous string
	if v.previousSigns(h) && h.PreviousSealed == "" {
		if previous, err = v.ring.Seal([]byte(Secret(v.keys, h.UserID, h.PreviousSalt)), where); err != nil {
			return store.Webhook{}, err
		}
	}
	return v.store.SealWebhookSecrets(ctx, h.UserID, current, previous)
}

func (v vault) previousSigns(h store.Webhook) bool {
	return h.PreviousSalt != nil && h.PreviousExpiresAt != nil && v.now().Before(*h.PreviousExpiresAt)
}

// secret is the user's current signing secret.
func (v vault) secret(h store.Webhook) (string, error) {
	return v.open(h.UserID, h.SecretSealed, h.SecretSalt)
}

// signers returns the user's current secret and, during a rotation's overlap, the previous one.
func (v vault) signers(h store.Webhook) ([]string, error) {
	cur, err := v.secret(h)
	if err != nil {
		return nil, err
	}
	secrets := []string{cur}
	if v.previousSigns(h) {
		prev, err := v.open(h.UserID, h.PreviousSealed, h.PreviousSalt)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, prev)
	}
	return secrets, nil
}

func (v vault) open(userID uuid.UUID, sealedSecret string, salt []byte) (string, error) {
	if sealedSecret != "" {
		p, err := v.ring.Open(sealedSecret, store.WebhookSecretWhere(userID))
		if err != nil {
			return "", fmt.Errorf("opening the webhook signing secret: %w", err)
		}
		return string(p), nil
	}
	if v.keys == nil {
		return "", fmt.Errorf("webhook signing is %w (set TORALE_NOTIFY_SECRET)", outbox.ErrNotConfigured)
	}
	return Secret(v.keys, userID, salt), nil
}
