package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// spendRuns is a busy user's month: 50 watches checked hourly for 30 days.
const spendRuns = 50 * 24 * 30

// monthSum is the spend check before 000022, summing the month's executions of the task and
// of its user (executions_user_idx), kept here as the baseline the running totals replace.
const monthSum = `
SELECT tu.total, tu.paid_runs, uu.total AS user_total, u.monthly_spend_cap_usd AS user_cap
FROM users u
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(e.cost_usd), 0)::float8 AS total, count(*) FILTER (WHERE e.cost_usd > 0)::int AS paid_runs
    FROM executions e
    WHERE e.task_id = $1 AND e.user_id = $2 AND e.created_at >= $3 AND e.created_at < $4
) tu
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(e.cost_usd), 0)::float8 AS total FROM executions e
    WHERE e.user_id = $2 AND e.created_at >= $3 AND e.created_at < $4
) uu
WHERE u.id = $2`

// BenchmarkSpendCheck is a run's spend check for a user whose month holds spendRuns runs:
// "totals" reads the running totals (TaskMonthUsage), "sum" the baseline that summed the
// month. go test -run '^$' -bench SpendCheck ./shared/store (with TEST_DATABASE_URL).
func BenchmarkSpendCheck(b *testing.B) {
	sb := setupSweep(b)
	ctx := b.Context()
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var taskID string
	require.NoError(b, sb.pool.QueryRow(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description)
		SELECT $1, 'bench ' || i, 'bench query', 'the price drops' FROM generate_series(1, 50) AS i
		RETURNING id::text`, sb.userID).Scan(&taskID))
	_, err := sb.pool.Exec(ctx, `INSERT INTO executions (task_id, user_id, status, trigger, cost_usd, created_at)
		SELECT t.id, t.user_id, 'success', 'manual', 0.0145, $2::timestamptz + (i % 600) * interval '1 hour'
		FROM tasks t, generate_series(1, $1::int / 50) AS i`, spendRuns, start)
	require.NoError(b, err)
	_, err = sb.pool.Exec(ctx, `VACUUM ANALYZE executions`)
	require.NoError(b, err)
	// The totals as the runs' finishes would have kept them.
	_, err = sb.pool.Exec(ctx, `UPDATE tasks t SET spend_month = $1, spend_month_usd = s.total, spend_month_paid_runs = s.n
		FROM (SELECT task_id, SUM(cost_usd)::float8 AS total, count(*)::int AS n FROM executions GROUP BY task_id) s WHERE t.id = s.task_id;
		`, start)
	require.NoError(b, err)
	id := uuid.MustParse(taskID)

	b.Run("totals", func(b *testing.B) {
		for b.Loop() {
			_, err := sb.store.TaskMonthUsage(ctx, sb.userID, id, now)
			require.NoError(b, err)
		}
	})
	b.Run("sum", func(b *testing.B) {
		for b.Loop() {
			var total, userTotal float64
			var paid int
			var cap *float64
			require.NoError(b, sb.pool.QueryRow(ctx, monthSum, id, sb.userID, start, start.AddDate(0, 1, 0)).
				Scan(&total, &paid, &userTotal, &cap))
		}
	})
}
