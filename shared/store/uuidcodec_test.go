package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// Ids cross the wire as PostgreSQL's uuid in both formats, as parameters (alone and in arrays)
// and as results, and NULL reads as it did through uuid.UUID's own Scan.
func TestUUIDsRoundTripThroughTheCodec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := uuidConn(t)
	a, b := uuid.New(), uuid.New()

	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var got uuid.UUID
		var text string
		require.NoError(t, conn.QueryRow(ctx, `SELECT $1::uuid, $1::uuid::text`, mode, a).Scan(&got, &text))
		require.Equal(t, a, got, "mode %v", mode)
		require.Equal(t, a.String(), text, "mode %v", mode)

		var n int
		var first uuid.UUID
		require.NoError(t, conn.QueryRow(ctx, `SELECT cardinality($1::uuid[]), ($1::uuid[])[2]`, mode, []uuid.UUID{a, b}).Scan(&n, &first))
		require.Equal(t, 2, n, "mode %v", mode)
		require.Equal(t, b, first, "mode %v", mode)

		some, none := &uuid.UUID{}, &uuid.UUID{}
		zero := uuid.New()
		require.NoError(t, conn.QueryRow(ctx, `SELECT $1::uuid, NULL::uuid, NULL::uuid`, mode, b).Scan(&some, &none, &zero))
		require.Equal(t, b, *some, "mode %v", mode)
		require.Nil(t, none, "mode %v", mode)
		require.Equal(t, uuid.UUID{}, zero, "mode %v: NULL into a plain id is the zero id", mode)

		var viaPointer uuid.UUID
		require.NoError(t, conn.QueryRow(ctx, `SELECT $1::uuid`, mode, &a).Scan(&viaPointer))
		require.Equal(t, a, viaPointer, "mode %v: a pointer sends the id it points to", mode)

		var null *uuid.UUID
		var isNull bool
		require.NoError(t, conn.QueryRow(ctx, `SELECT $1::uuid IS NULL`, mode, null).Scan(&isNull))
		require.True(t, isNull, "mode %v", mode)
	}
	var bad uuid.UUID
	require.Error(t, conn.QueryRow(ctx, `SELECT 'x'::text`).Scan(&bad), "text that is no uuid")
}

// What an id costs to encode as a parameter, by value (the baseline) and through a pointer (a
// nullable column's parameter), in the binary format the extended protocol sends:
//
//	scripts/with-postgres go test -run '^$' -bench EncodeUUID ./shared/store
func BenchmarkEncodeUUID(b *testing.B) {
	m, id := uuidConn(b).TypeMap(), uuid.New()
	for name, v := range map[string]any{"value": id, "pointer": &id} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, v, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// uuidConn is a bare connection to the test server with the store's uuid codec registered.
func uuidConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.URL(tb))
	require.NoError(tb, err)
	tb.Cleanup(func() { conn.Close(ctx) })
	require.NoError(tb, store.RegisterUUID(ctx, conn))
	return conn
}
