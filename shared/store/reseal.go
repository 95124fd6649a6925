package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/sealed"
)

// SealedColumn is one column of sealed values (package sealed) that rotation re-seals. The
// rotation reads it with plain SQL built from these names, so a new sealed column needs no
// query of its own: add one entry to SealedColumns.
type SealedColumn struct {
	Table  string
	Column string
	// Keys are the columns that identify a row (its primary key), in the order rows are walked.
	Keys []string
	// Binds are the columns Where is built from, read as text in this order.
	Binds []string
	// Where rebuilds the `where` the value was sealed for from the Binds' values.
	Where func(binds []string) string
}

// SealedColumns lists every column that holds sealed values, for `torale admin rotate-secrets`.
//
// To add one (a chat channel's token, say): append an entry naming the table, the sealed
// column, the row's primary key and how to rebuild the `where` the value was sealed with, from
// columns of the same row; keep that `where` in one function both the writer and this entry
// call, as WebhookSecretWhere is. Nullable columns are fine: NULL is skipped. The rotation test
// (reseal_test.go) fails until it seeds a sealed value in every listed column, so a new entry
// comes with a test of its rotation.
func SealedColumns() []SealedColumn {
	userWhere := func(b []string) string { return WebhookSecretWhere(uuid.MustParse(b[0])) }
	return []SealedColumn{
		{Table: "user_webhooks", Column: "secret_sealed", Keys: []string{"user_id"}, Binds: []string{"user_id"}, Where: userWhere},
		{Table: "user_webhooks", Column: "previous_sealed", Keys: []string{"user_id"}, Binds: []string{"user_id"}, Where: userWhere},
		{Table: "webhook_headers", Column: "value_sealed", Keys: []string{"user_id", "name"}, Binds: []string{"user_id", "name"},
			Where: func(b []string) string { return WebhookHeaderWhere(uuid.MustParse(b[0]), b[1]) }},
		{Table: "channels", Column: "settings", Keys: []string{"id"}, Binds: []string{"user_id", "id"},
			Where: func(b []string) string { return ChannelWhere(uuid.MustParse(b[0]), uuid.MustParse(b[1])) }},
	}
}

// ResealCount is what rotation did to one sealed column.
type ResealCount struct {
	Table    string `json:"table"`
	Column   string `json:"column"`
	Stale    int    `json:"stale"`    // values under a key other than the primary
	Resealed int    `json:"resealed"` // of those, sealed again under the primary
	// Changed were rewritten by someone else meanwhile (under the primary, since every writer
	// seals with it), so they need nothing.
	Changed int `json:"changed"`
	// Failed did not open: their key is not in the keyring, or they were altered.
	Failed int      `json:"failed"`
	Errors []string `json:"errors,omitempty"` // the first few failures, naming the row and key, never a value
}

const maxResealErrors = 5

// Reseal seals again, under the keyring's primary key, every value of col sealed under another
// key, batch rows at a time, walking the table by primary key once. A value that does not open is
// counted and left as it is. Running it again finds nothing more to do.
func (s *Store) Reseal(ctx context.Context, ring *sealed.Keyring, col SealedColumn, batch int) (ResealCount, error) {
	c := ResealCount{Table: col.Table, Column: col.Column}
	var after []any
	for {
		rows, err := s.staleSealed(ctx, ring.Primary(), col, after, batch)
		if err != nil {
			return c, fmt.Errorf("reading %s.%s: %w", col.Table, col.Column, translate(err))
		}
		if len(rows) == 0 {
			return c, nil
		}
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for _, r := range rows {
				if err := s.resealRow(ctx, tx, ring, col, r, &c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return c, fmt.Errorf("re-sealing %s.%s: %w", col.Table, col.Column, translate(err))
		}
		after = rows[len(rows)-1].keys
	}
}

type sealedRow struct {
	keys  []any // as text, for the update and the walk
	binds []string
	value string
}

func (s *Store) staleSealed(ctx context.Context, primary string, col SealedColumn, after []any, batch int) ([]sealedRow, error) {
	keys, binds := idents(col.Keys), idents(col.Binds)
	var sel []string
	for _, k := range append(append([]string(nil), keys...), binds...) {
		sel = append(sel, k+"::text")
	}
	column := pgx.Identifier{col.Column}.Sanitize()
	sql := fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s IS NOT NULL AND split_part(%s, '.', 1) <> $1",
		strings.Join(sel, ", "), column, pgx.Identifier{col.Table}.Sanitize(), column, column)
	args := []any{primary, batch}
	if after != nil {
		sql += fmt.Sprintf(" AND (%s) > (%s)", strings.Join(keys, ", "), params(3, len(keys)))
		args = append(args, after...)
	}
	sql += fmt.Sprintf(" ORDER BY %s LIMIT $2", strings.Join(keys, ", "))
	rs, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, func(row pgx.CollectableRow) (sealedRow, error) {
		vals := make([]string, len(keys)+len(binds)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := row.Scan(ptrs...); err != nil {
			return sealedRow{}, err
		}
		r := sealedRow{binds: vals[len(keys) : len(keys)+len(binds)], value: vals[len(vals)-1]}
		for _, k := range vals[:len(keys)] {
			r.keys = append(r.keys, k)
		}
		return r, nil
	})
}

func (s *Store) resealRow(ctx context.Context, tx pgx.Tx, ring *sealed.Keyring, col SealedColumn, r sealedRow, c *ResealCount) error {
	c.Stale++
	fresh, err := ring.Reseal(r.value, col.Where(r.binds))
	if err != nil {
		c.Failed++
		if len(c.Errors) < maxResealErrors {
			c.Errors = append(c.Errors, fmt.Sprintf("%s %v: %v", col.Table, r.keys, err))
		}
		return nil
	}
	keys := idents(col.Keys)
	column := pgx.Identifier{col.Column}.Sanitize()
	// Only the value read is replaced: a writer that changed it meanwhile sealed with the primary.
	sql := fmt.Sprintf("UPDATE %s SET %s = $1 WHERE (%s) = (%s) AND %s = $2", pgx.Identifier{col.Table}.Sanitize(),
		column, strings.Join(keys, ", "), params(3, len(keys)), column)
	tag, err := tx.Exec(ctx, sql, append([]any{fresh, r.value}, r.keys...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		c.Changed++
	} else {
		c.Resealed++
	}
	return nil
}

func idents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{n}.Sanitize()
	}
	return out
}

// params returns "$from, $from+1, ..." n times.
func params(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ps, ", ")
}
