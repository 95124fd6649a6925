package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// Pruning deletes only idle buckets, and a pruned bucket starts full again, as it would have
// refilled: the public routes' per-address buckets do not pile up, and no limit changes.
func TestPruneRateBucketsDeletesOnlyIdleOnes(t *testing.T) {
	b := setup(t)
	idle, busy := uuid.New(), uuid.New()
	t0 := b.now
	for range 2 {
		_, err := b.store.TakeToken(b.ctx, "public read", idle, time.Second, 2, t0)
		require.NoError(t, err)
	}
	wait, err := b.store.TakeToken(b.ctx, "public read", busy, time.Hour, 1, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Zero(t, wait)

	n, err := b.store.PruneRateBuckets(b.ctx, t0.Add(time.Hour), 100)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	wait, err = b.store.TakeToken(b.ctx, "public read", busy, time.Hour, 1, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Positive(t, wait, "the busy bucket was kept: its burst is still spent")
	for range 2 {
		wait, err = b.store.TakeToken(b.ctx, "public read", idle, time.Second, 2, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.Zero(t, wait, "the pruned bucket starts full")
	}
}
