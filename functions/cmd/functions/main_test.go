package main

import (
	"context"
	"net"
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

func TestRefusesToStartWhenTheDatabaseDoesNotAnswer(t *testing.T) {
	// A loopback port nothing listens on: the schema check, which makes the first connection
	// now that the start skips the ping, must still say what failed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	t.Setenv("DATABASE_URL", "postgres://torale@"+addr+"/torale?sslmode=disable&connect_timeout=5")
	t.Setenv("FUNCTION_TARGET", "api")
	err = run(context.Background())
	require.ErrorContains(t, err, "connecting to PostgreSQL")
	require.ErrorContains(t, err, "reading schema version")
}

func TestRefusesToStartOnASchemaBeyondTheWindow(t *testing.T) {
	url := storetest.URL(t)
	t.Setenv("DATABASE_URL", url)
	storetest.SetSchemaVersion(t, url, store.LatestVersion()+store.SchemaWindow+1)
	err := run(context.Background())
	require.ErrorIs(t, err, store.ErrSchemaAhead)
	require.ErrorContains(t, err, "deploy a newer build")
}
