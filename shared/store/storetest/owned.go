package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// ownerColumns finds, from the catalog rather than a list, every column that names a user or a
// task: foreign keys to users or tasks, and columns called user_id, owner_id or owner (or
// ending in _user_id) without one. Tables added by later migrations are covered without
// touching this file.
const ownerColumns = `
SELECT c.conrelid::regclass::text, a.attname::text, c.confrelid::regclass::text
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
WHERE c.contype = 'f' AND c.confrelid IN ('users'::regclass, 'tasks'::regclass)
UNION
SELECT quote_ident(table_name), column_name::text, 'users'
FROM information_schema.columns
WHERE table_schema = current_schema()
  AND (column_name IN ('user_id', 'owner_id', 'owner') OR column_name LIKE '%\_user\_id')
UNION
SELECT 'users', 'id', 'users'
UNION
SELECT 'tasks', 'id', 'tasks'
ORDER BY 1, 2`

// RowsOf scans every table for rows that still belong to the user or one of the tasks, and
// returns "table.column: n" for each column that has any; empty means nothing is left.
func RowsOf(t testing.TB, url string, userID uuid.UUID, taskIDs []uuid.UUID) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, ownerColumns)
	require.NoError(t, err)
	type col struct{ table, column, ref string }
	var cols []col
	for rows.Next() {
		var c col
		require.NoError(t, rows.Scan(&c.table, &c.column, &c.ref))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, cols)
	ids := make([]string, len(taskIDs))
	for i, id := range taskIDs {
		ids[i] = id.String()
	}
	var left []string
	for _, c := range cols {
		// Compared as text, so a column of any type that holds an id is covered.
		q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text = $1`, c.table, pgx.Identifier{c.column}.Sanitize())
		args := []any{userID.String()}
		if c.ref == "tasks" {
			q = fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text = ANY($1::text[])`, c.table, pgx.Identifier{c.column}.Sanitize())
			args = []any{ids}
		}
		var n int
		require.NoError(t, conn.QueryRow(ctx, q, args...).Scan(&n), q)
		if n > 0 {
			left = append(left, fmt.Sprintf("%s.%s: %d", c.table, c.column, n))
		}
	}
	return left
}
