package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

// Reactivating resumes what every deactivation since the last reactivation paused: a second
// deactivation logs only what it paused itself.
func TestPausedByDeactivationIsEveryDeactivationSinceTheLastReactivation(t *testing.T) {
	b := setup(t)
	a, c, d := uuid.New(), uuid.New(), uuid.New()
	log := func(kind store.AdminActionKind, paused []uuid.UUID, minutes int) {
		t.Helper()
		_, err := b.store.LogAdminAction(b.ctx, nil, b.user.ID, kind, paused, b.now.Add(time.Duration(minutes)*time.Minute))
		require.NoError(t, err)
	}
	got, err := b.store.PausedByDeactivation(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Empty(t, got, "never deactivated")

	log(store.ActionDeactivate, []uuid.UUID{a}, 1)
	log(store.ActionReactivate, nil, 2)
	log(store.ActionDeactivate, []uuid.UUID{c}, 3)
	log(store.ActionDeactivate, []uuid.UUID{c, d}, 4)
	got, err = b.store.PausedByDeactivation(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{c, d}, got, "both deactivations since the reactivation, each task once; not the older one")

	log(store.ActionReactivate, nil, 5)
	got, err = b.store.PausedByDeactivation(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Empty(t, got)
}
