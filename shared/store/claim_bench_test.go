package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// sweepTasks is how many due tasks each benchmark iteration seeds and then takes.
const sweepTasks = 10_000

// sweepBatch is the sweep's claim size.
const sweepBatch = 500

// sweepBundle is one benchmark's database: the store under test, a pool of its own for seeding
// and for the baseline query, and the user who owns every seeded task.
type sweepBundle struct {
	store  *store.Store
	pool   *pgxpool.Pool
	userID uuid.UUID
}

// setupSweep gives the benchmark a fresh migrated database holding one user.
func setupSweep(b *testing.B) sweepBundle {
	b.Helper()
	ctx := b.Context()
	url := storetest.URL(b)
	s, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	require.NoError(b, err)
	b.Cleanup(s.Close)
	pool, err := pgxpool.New(ctx, url)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	var userID uuid.UUID
	err = pool.QueryRow(ctx, `INSERT INTO users (external_id) VALUES ('bench') RETURNING id`).Scan(&userID)
	require.NoError(b, err)
	return sweepBundle{store: s, pool: pool, userID: userID}
}

// seedDue empties tasks and fills it with sweepTasks active tasks that fell due, one second
// apart, before now. It leaves fresh statistics so every iteration plans the same way.
func (sb sweepBundle) seedDue(ctx context.Context, b *testing.B, now time.Time) {
	b.Helper()
	_, err := sb.pool.Exec(ctx, `TRUNCATE tasks CASCADE`)
	require.NoError(b, err)
	const q = `
INSERT INTO tasks (user_id, name, search_query, condition_description, state, next_run_at)
SELECT $1, 'bench ' || i, 'bench query ' || i, 'the price drops', 'active',
       $2::timestamptz - i * interval '1 second'
FROM generate_series(1, $3::int) AS i`
	tag, err := sb.pool.Exec(ctx, q, sb.userID, now, sweepTasks)
	require.NoError(b, err)
	require.EqualValues(b, sweepTasks, tag.RowsAffected())
	_, err = sb.pool.Exec(ctx, `ANALYZE tasks`)
	require.NoError(b, err)
}

// claimAll takes every due task through the sweep's claim, sweepBatch at a time, and returns
// how many it took.
func (sb sweepBundle) claimAll(ctx context.Context, b *testing.B, now time.Time) int {
	b.Helper()
	lease := now.Add(time.Hour)
	total := 0
	for {
		claims, err := sb.store.ClaimDueTasks(ctx, now, lease, sweepBatch)
		require.NoError(b, err)
		if len(claims) == 0 {
			return total
		}
		total += len(claims)
	}
}

// updateAll moves every due task's next_run_at in one plain UPDATE, the least any claim could
// cost, and returns how many rows it moved.
func (sb sweepBundle) updateAll(ctx context.Context, b *testing.B, now time.Time) int {
	b.Helper()
	const q = `UPDATE tasks SET next_run_at = $1 WHERE state = 'active' AND next_run_at <= $2 RETURNING id`
	rows, err := sb.pool.Query(ctx, q, now.Add(time.Hour), now)
	require.NoError(b, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(b, err)
	return len(ids)
}

// updateInsertAll moves every due task's next_run_at and records each fire as a pending
// execution, in one plain statement: the least a claim that records its fires could cost.
func (sb sweepBundle) updateInsertAll(ctx context.Context, b *testing.B, now time.Time) int {
	b.Helper()
	const q = `WITH due AS (SELECT id, user_id, next_run_at FROM tasks WHERE state = 'active' AND next_run_at <= $2),
	moved AS (UPDATE tasks t SET next_run_at = $1 FROM due WHERE t.id = due.id)
	INSERT INTO executions (task_id, user_id, scheduled_for, trigger)
	SELECT id, user_id, next_run_at, 'schedule' FROM due RETURNING task_id`
	rows, err := sb.pool.Query(ctx, q, now.Add(time.Hour), now)
	require.NoError(b, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(b, err)
	return len(ids)
}

// benchmarkTake seeds sweepTasks due tasks before each iteration, off the clock, times take
// over them, and reports the rate at which take moved tasks.
func benchmarkTake(b *testing.B, take func(sweepBundle, context.Context, *testing.B, time.Time) int) {
	ctx := b.Context()
	sb := setupSweep(b)
	taken := 0
	for b.Loop() {
		b.StopTimer()
		now := time.Now()
		sb.seedDue(ctx, b, now)
		b.StartTimer()
		n := take(sb, ctx, b, now)
		require.Equal(b, sweepTasks, n)
		taken += n
	}
	b.ReportMetric(float64(taken)/b.Elapsed().Seconds(), "tasks/s")
}

// BenchmarkSweepClaim measures the sweep's claim draining a backlog of due tasks in batches,
// FOR UPDATE SKIP LOCKED and all.
func BenchmarkSweepClaim(b *testing.B) {
	benchmarkTake(b, sweepBundle.claimAll)
}

// BenchmarkPlainUpdate is BenchmarkSweepClaim's baseline: the same rows moved by one plain
// UPDATE, with no ordering, batching or row locks skipped.
func BenchmarkPlainUpdate(b *testing.B) {
	benchmarkTake(b, sweepBundle.updateAll)
}

// BenchmarkPlainUpdateInsert is BenchmarkSweepClaim's second baseline: the same rows moved and
// their fires recorded as executions by one plain statement, as the claim records them.
func BenchmarkPlainUpdateInsert(b *testing.B) {
	benchmarkTake(b, sweepBundle.updateInsertAll)
}
