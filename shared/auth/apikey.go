package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
)

// APIKeyPrefix starts every API key, so a leaked key is recognisable to secret scanners and
// the chain can tell a key from a session token without a lookup.
const APIKeyPrefix = "tor_"

const (
	apiKeyRandomBytes = 32
	// apiKeyBodyLen is the base62 width of 32 random bytes: 62^43 > 2^256 > 62^42.
	apiKeyBodyLen = 43
	// apiKeyChecksumLen is the base62 width of a CRC-32: 62^6 > 2^32.
	apiKeyChecksumLen = 6
	// APIKeyLen is the length of every API key.
	APIKeyLen = len(APIKeyPrefix) + apiKeyBodyLen + apiKeyChecksumLen
	// APIKeyDisplayLen is how much of a key is stored and shown so a user can tell keys apart.
	APIKeyDisplayLen = 12
)

// NewAPIKey makes a key from 32 random bytes. The key is shown to its owner once; only its
// prefix, for display, and its SHA-256, for lookup, are stored.
func NewAPIKey() (key, prefix string, hash []byte, err error) {
	var b [apiKeyRandomBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", nil, fmt.Errorf("making API key: %w", err)
	}
	body := base62(new(big.Int).SetBytes(b[:]), apiKeyBodyLen)
	key = APIKeyPrefix + body + apiKeyChecksum(body)
	sum := sha256.Sum256([]byte(key))
	return key, key[:APIKeyDisplayLen], sum[:], nil
}

// ParseAPIKey checks that s has the shape and checksum of a key, so that a typo or a stray
// token is refused before any database lookup, and returns the hash to look the key up by.
func ParseAPIKey(s string) ([]byte, error) {
	if len(s) != APIKeyLen || !strings.HasPrefix(s, APIKeyPrefix) {
		return nil, errMalformedAPIKey
	}
	rest := s[len(APIKeyPrefix):]
	for i := range len(rest) {
		if !isBase62(rest[i]) {
			return nil, errMalformedAPIKey
		}
	}
	body, check := rest[:apiKeyBodyLen], rest[apiKeyBodyLen:]
	if subtle.ConstantTimeCompare([]byte(check), []byte(apiKeyChecksum(body))) != 1 {
		return nil, errMalformedAPIKey
	}
	sum := sha256.Sum256([]byte(s))
	return sum[:], nil
}

func apiKeyChecksum(body string) string {
	return base62(new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(body)))), apiKeyChecksumLen)
}

// base62 writes n in the digits 0-9a-zA-Z, left-padded with '0' to width.
func base62(n *big.Int, width int) string {
	s := n.Text(62)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// APIKeyStore is the store side of API-key authentication.
type APIKeyStore interface {
	LookupAPIKey(ctx context.Context, hash []byte) (store.APIKey, store.User, error)
	TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error
}

const (
	// touchInterval is how stale last_used_at may get; it matches TouchAPIKey's own guard.
	touchInterval = time.Minute
	// maxTouched bounds the memory of recently touched keys.
	maxTouched = 10_000
)

// APIKeys authenticates requests that carry an API key. Every request looks the key up, so a
// revoked key fails on the next request; only the last-used time is written lazily.
type APIKeys struct {
	store APIKeyStore
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex
	touched map[uuid.UUID]time.Time // when this instance last recorded each key's use
}

// NewAPIKeys returns an API-key authenticator; now is the clock for last-used times (nil for
// time.Now) and log receives failures the caller is not shown (nil discards them).
func NewAPIKeys(store APIKeyStore, now func() time.Time, log *slog.Logger) *APIKeys {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &APIKeys{store: store, now: now, log: log, touched: make(map[uuid.UUID]time.Time)}
}

// Authenticate returns the owner of the request's API key.
func (a *APIKeys) Authenticate(r *http.Request) (store.User, error) {
	token, err := bearerToken(r)
	if err != nil {
		return store.User{}, err
	}
	hash, err := ParseAPIKey(token)
	if err != nil {
		return store.User{}, err
	}
	ctx := r.Context()
	key, user, err := a.store.LookupAPIKey(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errUnknownAPIKey
	}
	if err != nil {
		a.log.ErrorContext(ctx, "looking up API key", slog.String("error", err.Error()))
		return store.User{}, errUnavailable
	}
	if subtle.ConstantTimeCompare(key.Hash, hash) != 1 {
		return store.User{}, errUnknownAPIKey
	}
	a.touch(ctx, key)
	return user, nil
}

// touch keeps the key's last-used time within a minute of the truth, writing at most once a
// minute per key from this instance; TouchAPIKey's guard covers the other instances.
func (a *APIKeys) touch(ctx context.Context, key store.APIKey) {
	now := a.now()
	if !a.touchDue(key, now) {
		return
	}
	if err := a.store.TouchAPIKey(ctx, key.ID, now); err != nil {
		a.log.WarnContext(ctx, "recording API key use", slog.String("api_key_id", key.ID.String()),
			slog.String("error", err.Error()))
	}
}

// touchDue reports whether the key's use should be written now, and if so notes that it was.
func (a *APIKeys) touchDue(key store.APIKey, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	last, ok := a.touched[key.ID]
	if key.LastUsedAt != nil && (!ok || key.LastUsedAt.After(last)) {
		last, ok = *key.LastUsedAt, true // another instance, or an earlier run, wrote it
	}
	if ok && now.Sub(last) < touchInterval {
		return false
	}
	if _, mine := a.touched[key.ID]; !mine && len(a.touched) >= maxTouched {
		a.forgetStale(now)
	}
	a.touched[key.ID] = now
	return true
}

// forgetStale makes room in the memory of touched keys: first the entries old enough to no
// longer matter, then, if that freed too little, arbitrary ones down to half, so the sweep
// is rare. A forgotten key costs little: the looked-up last_used_at still throttles it.
func (a *APIKeys) forgetStale(now time.Time) {
	for id, at := range a.touched {
		if now.Sub(at) >= touchInterval {
			delete(a.touched, id)
		}
	}
	if len(a.touched) < maxTouched*3/4 {
		return
	}
	for id := range a.touched {
		if len(a.touched) <= maxTouched/2 {
			break
		}
		delete(a.touched, id)
	}
}
