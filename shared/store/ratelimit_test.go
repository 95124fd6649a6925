package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A bucket refills one token per every up to its burst, refuses with the wait until the next
// whole token, and keeps each (action, subject) apart.
func TestTakeTokenRefillsAndRefuses(t *testing.T) {
	b := setup(t)
	take := func(action string, subject uuid.UUID, at time.Time) time.Duration {
		t.Helper()
		wait, err := b.store.TakeToken(b.ctx, action, subject, 10*time.Second, 3, at)
		require.NoError(t, err)
		return wait
	}
	t0 := b.now
	for range 3 {
		require.Zero(t, take("preview", b.user.ID, t0))
	}
	require.Equal(t, 10*time.Second, take("preview", b.user.ID, t0), "the burst is spent")
	require.Equal(t, 6*time.Second, take("preview", b.user.ID, t0.Add(4*time.Second)), "4 s of refill is 0.4 token")
	require.Zero(t, take("preview", b.user.ID, t0.Add(10*time.Second)), "a whole token after 10 s")
	require.Equal(t, 10*time.Second, take("preview", b.user.ID, t0.Add(10*time.Second)))

	// Another action and another user have their own buckets.
	require.Zero(t, take("run", b.user.ID, t0))
	require.Zero(t, take("preview", b.other.ID, t0))

	// An instance whose clock is behind refills nothing and takes nothing back.
	require.Equal(t, 10*time.Second, take("preview", b.user.ID, t0.Add(-time.Minute)))
	// A long idle time refills only up to the burst.
	later := t0.Add(24 * time.Hour)
	for range 3 {
		require.Zero(t, take("preview", b.user.ID, later))
	}
	require.Positive(t, take("preview", b.user.ID, later))

	_, err := b.store.TakeToken(b.ctx, "preview", b.user.ID, 0, 3, t0)
	require.Error(t, err, "a limit without a refill is a programming error")
}
