package localpg_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/localpg"
)

func TestStartCreatesReusesAndStops(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	// As root, PostgreSQL runs as the postgres user, which must be able to reach the directory.
	require.NoError(t, os.Chmod(tmp, 0o755))
	require.NoError(t, os.Chmod(filepath.Dir(tmp), 0o755))
	dir := filepath.Join(tmp, "pg")
	c, err := localpg.Start(ctx, dir)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, c.URL())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)`)
	require.NoError(t, err)
	conn.Close(ctx)
	require.NoError(t, c.Stop())

	// The second start reuses the cluster and finds the data.
	c, err = localpg.Start(ctx, dir)
	require.NoError(t, err)
	defer func() { require.NoError(t, c.Stop()) }()
	conn, err = pgx.Connect(ctx, c.URL())
	require.NoError(t, err)
	defer conn.Close(ctx)
	var v int
	require.NoError(t, conn.QueryRow(ctx, `SELECT v FROM kept`).Scan(&v))
	require.Equal(t, 42, v)

	// A server left running by a killed platform is adopted.
	again, err := localpg.Start(ctx, dir)
	require.NoError(t, err)
	require.Equal(t, c.URL(), again.URL())
}
