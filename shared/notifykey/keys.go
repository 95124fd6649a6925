// Package notifykey holds the deployment's notify key (TORALE_NOTIFY_SECRET) and derives from
// it what must be secret but need not be stored: each channel names a purpose and gets keys of
// its own (webhook signing secrets, unsubscribe tokens), so a copy of the database alone can
// forge none of them.
package notifykey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// MinLen is the shortest notify key accepted, in bytes.
const MinLen = 32

// Keys derives per-purpose secrets from the deployment's notify key.
type Keys struct {
	key []byte
}

// New returns keys derived from the deployment's notify key, which must be at least MinLen
// bytes.
func New(key string) (*Keys, error) {
	if len(key) < MinLen {
		return nil, fmt.Errorf("the notify key must be at least %d bytes (try `openssl rand -base64 32`)", MinLen)
	}
	return &Keys{key: []byte(key)}, nil
}

// NewSalt returns 16 random bytes to derive a fresh secret from (a new webhook secret).
func NewSalt() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// Derive is HMAC-SHA256 under the notify key over the purpose and then each part, each part
// set apart by a zero byte. The purpose keeps one channel's secrets from ever equalling
// another's.
func (k *Keys) Derive(purpose string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, k.key)
	h.Write([]byte("torale/" + purpose + "/v1"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write(p)
	}
	return h.Sum(nil)
}
