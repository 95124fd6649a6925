package store_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

func (b testBundle) apiKey(t *testing.T, user store.User, name string) (store.APIKey, []byte) {
	t.Helper()
	hash := sha256.Sum256([]byte(name + uuid.NewString()))
	k, err := b.store.CreateAPIKey(b.ctx, user.ID, name, "tor_"+name, hash[:])
	require.NoError(t, err)
	return k, hash[:]
}

func TestCreateAPIKeyReturnsTheStoredKey(t *testing.T) {
	b := setup(t)
	k, hash := b.apiKey(t, b.user, "laptop")
	require.NotEqual(t, uuid.Nil, k.ID)
	require.Equal(t, b.user.ID, k.UserID)
	require.Equal(t, "laptop", k.Name)
	require.Equal(t, "tor_laptop", k.Prefix)
	require.False(t, k.CreatedAt.IsZero())
	require.Nil(t, k.LastUsedAt)
	require.Nil(t, k.RevokedAt)
	require.Nil(t, k.Hash, "only a lookup returns the hash")

	_, err := b.store.CreateAPIKey(b.ctx, b.user.ID, "again", "tor_again", hash)
	require.ErrorIs(t, err, store.ErrConflict, "a hash is unique")
}

func TestListAPIKeysIsNewestFirstAndHidesRevoked(t *testing.T) {
	b := setup(t)
	first, _ := b.apiKey(t, b.user, "first")
	second, _ := b.apiKey(t, b.user, "second")
	third, _ := b.apiKey(t, b.user, "third")
	b.apiKey(t, b.other, "bobs")
	require.NoError(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, second.ID))

	keys, err := b.store.ListAPIKeys(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, third.ID, keys[0].ID)
	require.Equal(t, first.ID, keys[1].ID)
	for _, k := range keys {
		require.Nil(t, k.Hash)
	}

	none, err := b.store.ListAPIKeys(b.ctx, uuid.New())
	require.NoError(t, err)
	require.NotNil(t, none, "an empty list encodes as [] in JSON")
	require.Empty(t, none)
}

func TestRevokeAPIKeyIsOwnedAndOnce(t *testing.T) {
	b := setup(t)
	k, hash := b.apiKey(t, b.user, "laptop")

	require.ErrorIs(t, b.store.RevokeAPIKey(b.ctx, b.other.ID, k.ID), store.ErrNotFound, "someone else's key")
	_, _, err := b.store.LookupAPIKey(b.ctx, hash)
	require.NoError(t, err, "a failed revoke leaves the key working")

	require.NoError(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, k.ID))
	require.ErrorIs(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, k.ID), store.ErrNotFound, "already revoked")
	require.ErrorIs(t, b.store.RevokeAPIKey(b.ctx, b.user.ID, uuid.New()), store.ErrNotFound)
	_, _, err = b.store.LookupAPIKey(b.ctx, hash)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestLookupAPIKeyReturnsKeyUserAndHash(t *testing.T) {
	b := setup(t)
	k, hash := b.apiKey(t, b.user, "laptop")
	b.apiKey(t, b.other, "bobs")

	got, user, err := b.store.LookupAPIKey(b.ctx, hash)
	require.NoError(t, err)
	require.Equal(t, k.ID, got.ID)
	require.Equal(t, hash, got.Hash)
	require.Equal(t, b.user, user)

	unknown := sha256.Sum256([]byte("unknown"))
	_, _, err = b.store.LookupAPIKey(b.ctx, unknown[:])
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = b.store.LookupAPIKey(b.ctx, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestTouchAPIKeyWritesAtMostOnceAMinute(t *testing.T) {
	b := setup(t)
	k, hash := b.apiKey(t, b.user, "laptop")
	lastUsed := func() *time.Time {
		t.Helper()
		got, _, err := b.store.LookupAPIKey(b.ctx, hash)
		require.NoError(t, err)
		return got.LastUsedAt
	}

	require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, b.now))
	require.NotNil(t, lastUsed())
	require.True(t, b.now.Equal(*lastUsed()))

	require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, b.now.Add(59*time.Second)))
	require.True(t, b.now.Equal(*lastUsed()), "within a minute nothing is written")

	later := b.now.Add(61 * time.Second)
	require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, later))
	require.True(t, later.Equal(*lastUsed()))

	require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, b.now), "an older time never moves it back")
	require.True(t, later.Equal(*lastUsed()))
	require.NoError(t, b.store.TouchAPIKey(b.ctx, uuid.New(), b.now), "a missing key is not an error")
}

func TestGetUser(t *testing.T) {
	b := setup(t)
	got, err := b.store.GetUser(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Equal(t, b.user, got)

	_, err = b.store.GetUser(b.ctx, uuid.New())
	require.ErrorIs(t, err, store.ErrNotFound)
}
