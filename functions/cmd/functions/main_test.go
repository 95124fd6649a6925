package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func TestRefusesToStartOnABehindSchema(t *testing.T) {
	// A fresh migrated database, taken back down to look like a deploy that skipped migrations.
	url := storetest.URL(t)
	t.Setenv("DATABASE_URL", url)
	down, err := store.Open(context.Background(), url, store.Options{})
	require.NoError(t, err)
	require.NoError(t, down.MigrateDown(0))
	down.Close()

	err = run(context.Background())
	require.ErrorIs(t, err, store.ErrSchemaBehind)
	require.Contains(t, err.Error(), "run `torale migrate up`")
}

func TestRefusesToStartWithoutDatabase(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	require.ErrorContains(t, run(context.Background()), "DATABASE_URL is not set")
}

func TestRefusesToStartOnASchemaBeyondTheWindow(t *testing.T) {
	url := storetest.URL(t)
	t.Setenv("DATABASE_URL", url)
	storetest.SetSchemaVersion(t, url, store.LatestVersion()+store.SchemaWindow+1)
	err := run(context.Background())
	require.ErrorIs(t, err, store.ErrSchemaAhead)
	require.ErrorContains(t, err, "deploy a newer build")
}
