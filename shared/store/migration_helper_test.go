package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// beforeMigration opens a fresh database holding one user, migrated down to just before
// migration v, and a plain connection for writing rows as the older schema had them. The test
// then migrates up and checks what migration v made of them.
func beforeMigration(t *testing.T, v uint) (*store.Store, *pgx.Conn, store.User) {
	t.Helper()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	for {
		st, err := s.Schema(ctx)
		require.NoError(t, err)
		if st.Current < v {
			break
		}
		require.NoError(t, s.MigrateDown(1))
	}
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return s, conn, u
}
