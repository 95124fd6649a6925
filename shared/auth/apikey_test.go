package auth_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"math/big"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

var keyShape = regexp.MustCompile(`^tor_[0-9a-zA-Z]{49}$`)

// referenceKey builds a key from its random bytes the way the format is specified: tor_, the
// bytes in base62 (0-9a-zA-Z) left-padded to 43 digits, then their CRC-32 padded to 6.
func referenceKey(random []byte) string {
	pad := func(s string, n int) string { return strings.Repeat("0", n-len(s)) + s }
	body := pad(new(big.Int).SetBytes(random).Text(62), 43)
	sum := pad(big.NewInt(int64(crc32.ChecksumIEEE([]byte(body)))).Text(62), 6)
	return "tor_" + body + sum
}

func TestNewAPIKeyFollowsTheFormat(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 500 {
		key, prefix, hash, err := auth.NewAPIKey()
		require.NoError(t, err)
		require.Regexp(t, keyShape, key)
		require.Len(t, key, auth.APIKeyLen)
		require.Equal(t, key[:12], prefix)
		sum := sha256.Sum256([]byte(key))
		require.Equal(t, sum[:], hash)

		random, ok := new(big.Int).SetString(key[4:47], 62)
		require.True(t, ok)
		require.LessOrEqual(t, random.BitLen(), 256)
		require.Equal(t, referenceKey(random.FillBytes(make([]byte, 32))), key)

		parsed, err := auth.ParseAPIKey(key)
		require.NoError(t, err)
		require.Equal(t, hash, parsed)
		require.False(t, seen[key])
		seen[key] = true
	}
}

func TestParseAPIKeyRefusesMalformedKeys(t *testing.T) {
	t.Parallel()
	key, _, _, err := auth.NewAPIKey()
	require.NoError(t, err)
	swap := func(s string, i int) string {
		b := []byte(s)
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
	tests := map[string]string{
		"empty":               "",
		"prefix only":         "tor_",
		"other prefix":        "tok_" + key[4:],
		"upper-case prefix":   "TOR_" + key[4:],
		"short":               key[:len(key)-1],
		"long":                key + "0",
		"typo in the body":    changeChar(key, 10),
		"typo in the sum":     changeChar(key, len(key)-1),
		"dropped and added":   key[:10] + key[11:] + "0",
		"not base62":          key[:20] + "-" + key[21:],
		"non-ASCII":           key[:20] + "é" + key[22:],
		"space":               key[:20] + " " + key[21:],
		"session token":       "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
		"key with whitespace": " " + key[:len(key)-1],
	}
	for i := 4; i < len(key)-1; i++ {
		if key[i] != key[i+1] {
			tests["transposed"] = swap(key, i)
			break
		}
	}
	for name, s := range tests {
		_, err := auth.ParseAPIKey(s)
		requireRefused(t, err, "malformed API key")
		if s != "" {
			require.NotContains(t, err.Error(), s, name)
		}
	}
}

// changeChar replaces the base62 character at i with another one, as a typo would.
func changeChar(s string, i int) string {
	b := []byte(s)
	if b[i] == 'a' {
		b[i] = 'b'
	} else {
		b[i] = 'a'
	}
	return string(b)
}

func FuzzParseAPIKey(f *testing.F) {
	for range 4 {
		key, _, _, err := auth.NewAPIKey()
		require.NoError(f, err)
		f.Add(key, []byte(key[4:36]))
	}
	f.Add("", []byte{})
	f.Add("tor_", []byte{0})
	f.Add("tor_000000000000000000000000000000000000000000000000", make([]byte, 32))
	f.Add(strings.Repeat("Z", auth.APIKeyLen), []byte(strings.Repeat("\xff", 32)))
	f.Fuzz(func(t *testing.T, s string, random []byte) {
		hash, err := auth.ParseAPIKey(s)
		if err == nil {
			sum := sha256.Sum256([]byte(s))
			require.Equal(t, sum[:], hash)
			require.Regexp(t, keyShape, s)
		} else {
			require.Nil(t, hash)
			require.EqualError(t, err, "malformed API key")
		}
		// Every key the format can produce parses: NewAPIKey's bytes are random, so the fuzzer
		// supplies them to the specification instead.
		if len(random) >= 32 {
			key := referenceKey(random[:32])
			_, err := auth.ParseAPIKey(key)
			require.NoError(t, err, key)
		}
		key, _, _, err := auth.NewAPIKey()
		require.NoError(t, err)
		_, err = auth.ParseAPIKey(key)
		require.NoError(t, err, key)
	})
}

// countingStore is the real store with TouchAPIKey counted.
type countingStore struct {
	*store.Store
	touches atomic.Int32
}

func (s *countingStore) TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	s.touches.Add(1)
	return s.Store.TouchAPIKey(ctx, id, at)
}

type apiKeyBundle struct {
	ctx   context.Context
	store *countingStore
	clock *clocktest.Clock
	keys  *auth.APIKeys
	user  store.User
	key   string
}

func setupAPIKeys(t *testing.T) apiKeyBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	s := &countingStore{Store: storetest.New(t)}
	user, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	clock := newFakeClock()
	return apiKeyBundle{ctx: ctx, store: s, clock: clock, keys: auth.NewAPIKeys(s, clock.Now, nil),
		user: user, key: createKey(t, s.Store, user)}
}

// createKey makes and stores a key for the user, as the API's create-key route would.
func createKey(t *testing.T, s *store.Store, user store.User) string {
	t.Helper()
	key, prefix, hash, err := auth.NewAPIKey()
	require.NoError(t, err)
	_, err = s.CreateAPIKey(context.Background(), user.ID, "laptop", prefix, hash)
	require.NoError(t, err)
	return key
}

func TestAPIKeysAuthenticate(t *testing.T) {
	b := setupAPIKeys(t)
	unknown, _, _, err := auth.NewAPIKey()
	require.NoError(t, err)
	typo := changeChar(b.key, 20)

	user, err := b.keys.Authenticate(request("Bearer " + b.key))
	require.NoError(t, err)
	require.Equal(t, b.user, user)

	tests := map[string]struct{ header, err string }{
		"malformed":    {"Bearer tor_abc", "malformed API key"},
		"bad checksum": {"Bearer " + typo, "malformed API key"},
		"unknown":      {"Bearer " + unknown, "unknown or revoked API key, or a deactivated account"},
		"no header":    {"", "send Authorization: Bearer <token>"},
		"not bearer":   {"Token " + b.key, "use Authorization: Bearer <token>"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := request()
			if tt.header != "" {
				r = request(tt.header)
			}
			_, err := b.keys.Authenticate(r)
			requireRefused(t, err, tt.err)
		})
	}
}

func TestAPIKeysRevokedKeyFailsOnTheNextRequest(t *testing.T) {
	b := setupAPIKeys(t)
	_, err := b.keys.Authenticate(request("Bearer " + b.key))
	require.NoError(t, err)

	listed, err := b.store.ListAPIKeys(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Len(t, listed, 1)
	require.NoError(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, listed[0].ID))

	_, err = b.keys.Authenticate(request("Bearer " + b.key))
	requireRefused(t, err, "unknown or revoked API key, or a deactivated account")
}

func TestAPIKeysRecordUseAtMostOnceAMinute(t *testing.T) {
	b := setupAPIKeys(t)
	lastUsed := func() time.Time {
		t.Helper()
		listed, err := b.store.ListAPIKeys(b.ctx, b.user.ID)
		require.NoError(t, err)
		require.NotNil(t, listed[0].LastUsedAt)
		return listed[0].LastUsedAt.UTC()
	}
	use := func(keys *auth.APIKeys) {
		t.Helper()
		_, err := keys.Authenticate(request("Bearer " + b.key))
		require.NoError(t, err)
	}
	start := b.clock.Now()

	use(b.keys)
	require.EqualValues(t, 1, b.store.touches.Load())
	require.Equal(t, start, lastUsed())

	for range 3 {
		b.clock.Add(19 * time.Second)
		use(b.keys)
	}
	require.EqualValues(t, 1, b.store.touches.Load(), "57 s later there was no second write")
	require.Equal(t, start, lastUsed())

	b.clock.Add(4 * time.Second)
	use(b.keys)
	require.EqualValues(t, 2, b.store.touches.Load())
	require.Equal(t, start.Add(61*time.Second), lastUsed())

	// Another instance, with nothing in memory, goes by the stored time.
	other := auth.NewAPIKeys(b.store, b.clock.Now, nil)
	b.clock.Add(30 * time.Second)
	use(other)
	require.EqualValues(t, 2, b.store.touches.Load())
	b.clock.Add(31 * time.Second)
	use(other)
	require.EqualValues(t, 3, b.store.touches.Load())
	require.Equal(t, start.Add(122*time.Second), lastUsed())
}

func TestAPIKeysConcurrentRequestsWriteOnce(t *testing.T) {
	b := setupAPIKeys(t)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := b.keys.Authenticate(request("Bearer " + b.key))
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.EqualValues(t, 1, b.store.touches.Load())
}

// failingStore fails the way a database does, with text the caller must not see.
type failingStore struct{}

func (failingStore) LookupAPIKey(context.Context, []byte) (store.APIKey, store.User, error) {
	return store.APIKey{}, store.User{}, errors.New("dial tcp 10.0.0.7:5432: connection refused")
}

func (failingStore) TouchAPIKey(context.Context, uuid.UUID, time.Time) error { return nil }

func TestAPIKeysStoreFailureIsNotShown(t *testing.T) {
	t.Parallel()
	key, _, _, err := auth.NewAPIKey()
	require.NoError(t, err)
	_, err = auth.NewAPIKeys(failingStore{}, time.Now, nil).Authenticate(request("Bearer " + key))
	require.Error(t, err)
	require.NotErrorIs(t, err, auth.ErrUnauthenticated, "the caller did nothing wrong")
	require.NotContains(t, err.Error(), "10.0.0.7")
	require.NotContains(t, err.Error(), key)
}
