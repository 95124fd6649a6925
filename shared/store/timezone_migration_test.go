package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// Migration 000005 rewrites the zones stored before zones came from the embedded table: aliases
// and host-path spellings become the canonical name the API now stores, unknown names stay.
func TestMigrationCanonicalizesStoredTimezones(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, u := beforeMigration(t, 5)

	want := map[string]string{
		"US/Eastern": "America/New_York", "Asia/Calcutta": "Asia/Kolkata", "Etc/UTC": "UTC", "Europe/Kiev": "Europe/Kyiv",
		"UTC": "UTC", "Europe/Paris": "Europe/Paris", "": "UTC",
		"posixrules": "America/New_York", "right/UTC": "UTC", "posix/Asia/Calcutta": "Asia/Kolkata",
		"Europe//Paris": "Europe/Paris", " Europe/London/ ": "Europe/London",
		"Mars/Base": "Mars/Base", "Local": "Local", "europe/paris": "europe/paris",
	}
	ids := map[string]string{}
	for zone := range want {
		var id string
		require.NoError(t, conn.QueryRow(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description, timezone)
			VALUES ($1, 'watch', 'iphone release', '', $2) RETURNING id::text`, u.ID, zone).Scan(&id))
		ids[zone] = id
	}

	require.NoError(t, s.MigrateUp())
	for zone, canonical := range want {
		var got string
		require.NoError(t, conn.QueryRow(ctx, `SELECT timezone FROM tasks WHERE id = $1`, ids[zone]).Scan(&got))
		require.Equal(t, canonical, got, "stored %q", zone)
	}
}
