package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

// Two first requests at once store one token, and both are answered with it.
func TestEnsureFeedTokenMakesOne(t *testing.T) {
	b := setup(t)
	var wg sync.WaitGroup
	got := make([]store.FeedToken, 8)
	errs := make([]error, len(got))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			salt := []byte(uuid.NewString())
			got[i], errs[i] = b.store.EnsureFeedToken(b.ctx, b.user.ID, salt, append([]byte("hash-"), salt...))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.NotEmpty(t, got[0].Salt)
	for _, tok := range got[1:] {
		require.Equal(t, got[0].Salt, tok.Salt)
		require.Equal(t, got[0].Hash, tok.Hash)
	}
	rotated, err := b.store.RotateFeedToken(b.ctx, b.user.ID, []byte("new"), []byte("new-hash"), b.now)
	require.NoError(t, err)
	require.Equal(t, []byte("new"), rotated.Salt)
	_, err = b.store.ReadFeed(b.ctx, got[0].Hash, nil, 50)
	require.ErrorIs(t, err, store.ErrNotFound, "the old hash names nobody after a rotation")
}

// A feed reads the owner's notified runs only, newest first and capped; another user's task
// is ErrNotFound, and a task with no runs is an empty feed with its name.
func TestReadFeed(t *testing.T) {
	b := setup(t)
	_, err := b.store.EnsureFeedToken(b.ctx, b.user.ID, []byte("s"), []byte("alice"))
	require.NoError(t, err)
	mine := b.task(t, b.user, b.now.Add(time.Hour))
	quiet := b.task(t, b.user, b.now.Add(time.Hour))
	theirs := b.task(t, b.other, b.now.Add(time.Hour))
	for i := range 3 {
		b.notified(t, mine, b.now.Add(time.Duration(i)*time.Minute))
	}
	b.notified(t, theirs, b.now)

	f, err := b.store.ReadFeed(b.ctx, []byte("alice"), nil, 2)
	require.NoError(t, err)
	require.Equal(t, b.user.ID, f.UserID)
	require.Len(t, f.Entries, 2)
	require.True(t, f.Entries[0].CreatedAt.After(f.Entries[1].CreatedAt) || f.Entries[0].CreatedAt.Equal(f.Entries[1].CreatedAt))
	for _, e := range f.Entries {
		require.Equal(t, mine.ID, e.TaskID)
		require.Equal(t, mine.Name, e.TaskName)
		require.True(t, e.Result.Notifies())
	}

	f, err = b.store.ReadFeed(b.ctx, []byte("alice"), &quiet.ID, 50)
	require.NoError(t, err)
	require.Equal(t, quiet.Name, f.TaskName)
	require.Empty(t, f.Entries)

	_, err = b.store.ReadFeed(b.ctx, []byte("alice"), &theirs.ID, 50)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = b.store.ReadFeed(b.ctx, []byte("nobody"), nil, 50)
	require.ErrorIs(t, err, store.ErrNotFound)

	// A deactivated account's feed answers as an unknown token does.
	_, err = b.store.DeactivateUser(b.ctx, b.user.ID, time.Now())
	require.NoError(t, err)
	_, err = b.store.ReadFeed(b.ctx, []byte("alice"), nil, 50)
	require.ErrorIs(t, err, store.ErrNotFound)
}
