// Package sealed encrypts the secrets users give Torale (webhook signing secrets, custom
// webhook header values, chat channels' tokens and webhook URLs) before they are stored.
//
// Each value is sealed with AES-256-GCM under one key of a keyring read from configuration
// (TORALE_SECRET_KEYS); the key's id is stored beside the ciphertext, so a keyring that holds
// the old key and a new one opens both, and rotation re-seals rows under the new key without
// a moment when any row is unreadable. The associated data names where a value belongs (a
// purpose and the row's owner), so a ciphertext copied into another user's row does not open.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// KeyLen is the length of every key, in bytes (AES-256).
const KeyLen = 32

// ErrNotConfigured is returned by a nil Keyring: the deployment has no TORALE_SECRET_KEYS.
var ErrNotConfigured = errors.New("secret storage is not configured (set TORALE_SECRET_KEYS)")

// ErrOpen is returned when a sealed value does not open: a key that is no longer in the
// keyring, a value moved to another row, or a corrupted value.
var ErrOpen = errors.New("a stored secret could not be opened")

var keyID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`) })

// Keyring is the keys secrets are sealed with: the first key seals, every key opens.
type Keyring struct {
	primary string
	aeads   map[string]cipher.AEAD
	ids     []string
}

// Parse reads a keyring written "id:base64key[,id:base64key...]", the key that seals first.
// Ids are lower-case letters, digits, '-' and '_' (at most 32); keys are 32 random bytes in
// standard base64 (`openssl rand -base64 32`).
func Parse(spec string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok || !keyID().MatchString(id) {
			return nil, fmt.Errorf("each key is written id:base64key with an id of lower-case letters, digits, '-' or '_' (got %q)", redact(part))
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("key id %q appears twice", id)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil || len(raw) != KeyLen {
			return nil, fmt.Errorf("key %q must be %d bytes in standard base64 (try `openssl rand -base64 32`)", id, KeyLen)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		k.ids = append(k.ids, id)
		if k.primary == "" {
			k.primary = id
		}
	}
	if k.primary == "" {
		return nil, errors.New("no key given")
	}
	return k, nil
}

// NewKey returns a fresh key in the form Parse reads, under the given id.
func NewKey(id string) string {
	raw := make([]byte, KeyLen)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	return id + ":" + base64.StdEncoding.EncodeToString(raw)
}

// Primary is the id of the key that seals.
func (k *Keyring) Primary() string { return k.primary }

// IDs are the ids of every key, the sealing one first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// Seal encrypts plaintext for the place named by where (for example
// "webhook-header/<user id>/<header name>"); Open must be given the same where. The result is
// "<key id>.<base64url(nonce || ciphertext)>".
func (k *Keyring) Seal(plaintext []byte, where string) (string, error) {
	if k == nil {
		return "", ErrNotConfigured
	}
	aead := k.aeads[k.primary]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := aead.Seal(nonce, nonce, plaintext, []byte(where))
	return k.primary + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same where.
func (k *Keyring) Open(sealed, where string) ([]byte, error) {
	if k == nil {
		return nil, ErrNotConfigured
	}
	id, b64, ok := strings.Cut(sealed, ".")
	aead := k.aeads[id]
	if !ok || aead == nil {
		return nil, fmt.Errorf("%w: it was sealed with key %q, which TORALE_SECRET_KEYS does not hold", ErrOpen, KeyID(sealed))
	}
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: it is malformed", ErrOpen)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(where))
	if err != nil {
		return nil, fmt.Errorf("%w: it was altered or belongs elsewhere", ErrOpen)
	}
	return plain, nil
}

// Stale reports whether a sealed value is under a key other than the sealing one, so
// rotation should re-seal it.
func (k *Keyring) Stale(sealed string) bool {
	return k != nil && KeyID(sealed) != k.primary
}

// Reseal opens a value and seals it again under the sealing key (rotation).
func (k *Keyring) Reseal(sealed, where string) (string, error) {
	plain, err := k.Open(sealed, where)
	if err != nil {
		return "", err
	}
	return k.Seal(plain, where)
}

// KeyID is the id of the key a value was sealed with ("" when it is not a sealed value).
func KeyID(sealed string) string {
	id, _, ok := strings.Cut(sealed, ".")
	if !ok || !keyID().MatchString(id) {
		return ""
	}
	return id
}

// Mask shows a secret the way the API returns it after saving: its last four characters at
// most, and none when it is short enough that four would give most of it away.
func Mask(secret string) string {
	r := []rune(secret)
	if len(r) < 12 {
		return "••••"
	}
	return "••••" + string(r[len(r)-4:])
}

func redact(part string) string {
	id, _, _ := strings.Cut(part, ":")
	if len(id) > 32 {
		id = id[:32]
	}
	return id + ":…"
}
