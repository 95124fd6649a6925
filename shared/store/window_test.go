package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// A build keeps running on a schema up to SchemaWindow versions newer than its own, which a
// newer release migrated to ("migrate, then deploy", or a rollback after a migration); further
// ahead it refuses, saying what to do. Each step here is this build facing the database a
// release `ahead` versions newer left behind.
func TestABuildRunsOnASchemaWithinTheWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	latest := store.LatestVersion()
	require.Positive(t, store.SchemaWindow)

	for ahead := uint(1); ahead <= store.SchemaWindow; ahead++ {
		storetest.SetSchemaVersion(t, url, latest+ahead)
		st, err := s.Health(ctx)
		require.NoError(t, err, "ahead by %d", ahead)
		require.Equal(t, store.SchemaStatus{Current: latest + ahead, Latest: latest}, *st)
		require.True(t, st.Ahead())
		require.False(t, st.UpToDate())
		require.Equal(t, latest+store.SchemaWindow, st.NewestAccepted())
		require.NoError(t, s.CheckSchema(ctx))
		// The rollback's migration step (`torale migrate up` of the older build) does nothing.
		require.NoError(t, s.MigrateUp())
		st, err = s.Health(ctx)
		require.NoError(t, err)
		require.Equal(t, latest+ahead, st.Current, "migrate up left the newer schema alone")
		// Going down needs the down files of the newer build.
		require.ErrorContains(t, s.MigrateDown(1), "migrate down with the build that carries version")
	}

	storetest.SetSchemaVersion(t, url, latest+store.SchemaWindow+1)
	st, err := s.Health(ctx)
	require.ErrorIs(t, err, store.ErrSchemaAhead)
	require.ErrorContains(t, err, "deploy a newer build")
	require.Equal(t, latest+store.SchemaWindow+1, st.Current, "the status comes with the refusal")
	require.ErrorIs(t, s.CheckSchema(ctx), store.ErrSchemaAhead)
	require.ErrorIs(t, s.MigrateUp(), store.ErrSchemaAhead)
}
