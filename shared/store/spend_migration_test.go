package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// Migration 000022 starts the running spend totals from the runs already recorded this month:
// the runs of last month and another user's are not in them, and the checks read them at once.
func TestMigrationTotalsThisMonthsSpend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, u := beforeMigration(t, 22)
	var other string
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO users (external_id) VALUES ('dev:bob') RETURNING id::text`).Scan(&other))
	newTask := func(user any) string {
		var id string
		require.NoError(t, conn.QueryRow(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description)
			VALUES ($1, 'watch', 'iphone release', 'announced') RETURNING id::text`, user).Scan(&id))
		return id
	}
	run := func(taskID string, user any, cost float64, created time.Time) {
		_, err := conn.Exec(ctx, `INSERT INTO executions (task_id, user_id, status, trigger, cost_usd, created_at)
			VALUES ($1, $2, 'success', 'manual', $3, $4)`, taskID, user, cost, created)
		require.NoError(t, err)
	}
	now := time.Now().UTC()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 1, 0, time.UTC)
	tk, idle, bobs := newTask(u.ID), newTask(u.ID), newTask(other)
	run(tk, u.ID, 0.25, thisMonth)
	run(tk, u.ID, 0.5, now)
	run(tk, u.ID, 0, now)
	run(tk, u.ID, 7, thisMonth.Add(-2*time.Second)) // last month
	run(bobs, other, 3, now)

	require.NoError(t, s.MigrateUp())
	usage, err := s.TaskMonthUsage(ctx, u.ID, uuid.MustParse(tk), now)
	require.NoError(t, err)
	require.InDelta(t, 0.75, usage.SpentUSD, 1e-9)
	require.Equal(t, 2, usage.PaidRuns)
	require.InDelta(t, 0.75, usage.UserSpentUSD, 1e-9)
	usage, err = s.TaskMonthUsage(ctx, u.ID, uuid.MustParse(idle), now)
	require.NoError(t, err)
	require.Zero(t, usage.SpentUSD)
	require.InDelta(t, 0.75, usage.UserSpentUSD, 1e-9)
}
