package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// ErrNotConfigured means the deployment lacks a setting a notification feature needs (the
// notify key, SMTP); the message names it.
var ErrNotConfigured = errors.New("not configured on this deployment")

// MinKeyLen is the shortest notify key accepted, in bytes.
const MinKeyLen = 32

// Keys derives what must be secret but need not be stored: each user's webhook signing secrets
// (from a random salt in the database) and the tokens of unsubscribe links. A copy of the
// database alone can forge neither.
type Keys struct {
	key []byte
}

// NewKeys returns keys derived from the deployment's notify key (TORALE_NOTIFY_SECRET), which
// must be at least MinKeyLen bytes.
func NewKeys(key string) (*Keys, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("the notify key must be at least %d bytes (try `openssl rand -base64 32`)", MinKeyLen)
	}
	return &Keys{key: []byte(key)}, nil
}

// NewSalt returns 16 random bytes for a new webhook secret.
func NewSalt() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

func (k *Keys) mac(purpose string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, k.key)
	h.Write([]byte("torale/" + purpose + "/v1"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write(p)
	}
	return h.Sum(nil)
}

// WebhookSecret is the user's Standard Webhooks signing secret for salt: whsec_ and the base64
// of 32 bytes.
func (k *Keys) WebhookSecret(userID uuid.UUID, salt []byte) string {
	return "whsec_" + base64.StdEncoding.EncodeToString(k.mac("webhook-secret", userID[:], salt))
}

// UnsubscribeToken is the token of the link that stops a task's emails to address. It names the
// task and is bound to the address, so it stops working when the task's address changes.
func (k *Keys) UnsubscribeToken(taskID uuid.UUID, address string) string {
	mac := k.mac("unsubscribe", taskID[:], []byte(strings.ToLower(address)))[:16]
	return base64.RawURLEncoding.EncodeToString(append(taskID[:], mac...))
}

// ParseUnsubscribeToken returns the task a token names and a check of the address it was made
// for; ok is false for a token that is not one of ours in shape.
func (k *Keys) ParseUnsubscribeToken(token string) (taskID uuid.UUID, matches func(address string) bool, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return uuid.Nil, nil, false
	}
	copy(taskID[:], raw[:16])
	mac := raw[16:]
	return taskID, func(address string) bool {
		return hmac.Equal(mac, k.mac("unsubscribe", taskID[:], []byte(strings.ToLower(address)))[:16])
	}, true
}
