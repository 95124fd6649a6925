package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// TxGuard checks that no transaction on the test's database is left open while the code under
// test waits on another service. A fake of that service (schedulertest) calls it on every
// request: the caller is blocked until the fake answers, so a transaction it holds sits "idle
// in transaction" for as long as the check watches, while any other transaction (a concurrent
// request's) runs its next statement or ends within moments.
type TxGuard struct {
	pool *pgxpool.Pool
	// Window is how long a session must sit idle in the same transaction to count (default 2s,
	// generous so that a busy machine does not flag a short transaction between statements).
	Window time.Duration
}

// NewTxGuard watches the database at url (from URL); it is closed when the test ends.
func NewTxGuard(t testing.TB, url string) *TxGuard {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return &TxGuard{pool: pool, Window: 2 * time.Second}
}

type idleTx struct {
	pid         int32
	xactStart   time.Time
	stateChange time.Time
}

// Check returns an error naming the transactions that stayed idle, unchanged, for the whole
// window; it returns at once when none is idle.
func (g *TxGuard) Check(ctx context.Context) error {
	held, err := g.idle(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(g.Window)
	for len(held) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		now, err := g.idle(ctx)
		if err != nil {
			return err
		}
		held = intersect(held, now)
	}
	if len(held) == 0 {
		return nil
	}
	var pids []string
	for _, h := range held {
		pids = append(pids, fmt.Sprintf("pid %d (in a transaction since %s)", h.pid, h.xactStart.Format(time.RFC3339Nano)))
	}
	return fmt.Errorf("a transaction is open across a call to another service: %s", strings.Join(pids, ", "))
}

func (g *TxGuard) idle(ctx context.Context) ([]idleTx, error) {
	rows, err := g.pool.Query(ctx, `SELECT pid, xact_start, state_change FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		  AND state IN ('idle in transaction', 'idle in transaction (aborted)')`)
	if err != nil {
		return nil, fmt.Errorf("reading pg_stat_activity: %w", err)
	}
	defer rows.Close()
	var out []idleTx
	for rows.Next() {
		var i idleTx
		if err := rows.Scan(&i.pid, &i.xactStart, &i.stateChange); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

func intersect(a, b []idleTx) []idleTx {
	var out []idleTx
	for _, x := range a {
		for _, y := range b {
			if x.pid == y.pid && x.xactStart.Equal(y.xactStart) && x.stateChange.Equal(y.stateChange) {
				out = append(out, x)
			}
		}
	}
	return out
}
