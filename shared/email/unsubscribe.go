package email

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// UnsubscribeStore removes a task's email notification for its recipient.
type UnsubscribeStore interface {
	UnsubscribeTaskEmail(ctx context.Context, taskID uuid.UUID, allowed func(userID uuid.UUID, email string) bool) (task.Task, error)
}

// Unsubscriber carries out one-click unsubscribe links (RFC 8058).
type Unsubscriber struct {
	store UnsubscribeStore
	keys  *notifykey.Keys
}

// NewUnsubscriber returns the unsubscriber; with nil keys every token is refused.
func NewUnsubscriber(s UnsubscribeStore, keys *notifykey.Keys) *Unsubscriber {
	return &Unsubscriber{store: s, keys: keys}
}

// ErrBadToken means an unsubscribe token is not one Torale made, or no longer fits its task.
var ErrBadToken = errors.New("this unsubscribe link is not valid, or the task no longer emails this address")

// Unsubscribe stops the emails of the task the token names to the address it was made for.
func (u *Unsubscriber) Unsubscribe(ctx context.Context, token string) error {
	if u.keys == nil {
		return ErrBadToken
	}
	taskID, matches, ok := ParseUnsubscribeToken(u.keys, token)
	if !ok {
		return ErrBadToken
	}
	_, err := u.store.UnsubscribeTaskEmail(ctx, taskID, func(_ uuid.UUID, email string) bool { return matches(email) })
	if errors.Is(err, store.ErrNotFound) {
		return ErrBadToken
	}
	return err
}

// UnsubscribeToken is the token of the link that stops a task's emails to address. It names the
// task and is bound to the address, so it stops working when the task's address changes.
func UnsubscribeToken(k *notifykey.Keys, taskID uuid.UUID, address string) string {
	mac := k.Derive("unsubscribe", taskID[:], []byte(strings.ToLower(address)))[:16]
	return base64.RawURLEncoding.EncodeToString(append(taskID[:], mac...))
}

// ParseUnsubscribeToken returns the task a token names and a check of the address it was made
// for; ok is false for a token that is not one of ours in shape.
func ParseUnsubscribeToken(k *notifykey.Keys, token string) (taskID uuid.UUID, matches func(address string) bool, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return uuid.Nil, nil, false
	}
	copy(taskID[:], raw[:16])
	mac := raw[16:]
	return taskID, func(address string) bool {
		return hmac.Equal(mac, k.Derive("unsubscribe", taskID[:], []byte(strings.ToLower(address)))[:16])
	}, true
}
