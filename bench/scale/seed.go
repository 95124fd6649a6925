package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// size is one scale of the benchmark's data. Every user owns the same share at every scale
// (tasks/users tasks, runs/tasks runs each), so what a user's request reads stays the same and
// any growth in its cost comes from the tables' size alone.
type size struct {
	Name       string
	Users      int
	Tasks      int
	Executions int
	Deliveries int
}

// scales are the sizes SCALE picks from; "1k" is the baseline every run also measures.
var scales = map[string]size{
	"1k":   {Name: "1k", Users: 10, Tasks: 1_000, Executions: 10_000, Deliveries: 2_000},
	"10k":  {Name: "10k", Users: 100, Tasks: 10_000, Executions: 100_000, Deliveries: 20_000},
	"100k": {Name: "100k", Users: 1_000, Tasks: 100_000, Executions: 1_000_000, Deliveries: 200_000},
}

// dueTasks is how many tasks are due for the claim at every scale: the same work, on tables
// of different sizes.
const dueTasks = 1_000

// seed fills a migrated database with sz in a few set-based statements (generate_series): the
// runs of each task are spread over two years, a year apart from the first to the last, so
// about half are past the default retention; the deliveries' runs notified. Every run has its
// trail and findings (a report of about 2 KiB of its own, and its task's page of about 4 KiB,
// shared).
func seed(ctx context.Context, conn *pgx.Conn, sz size) error {
	runsPerTask := sz.Executions / sz.Tasks
	notifiedPerTask := sz.Deliveries / sz.Tasks
	steps := []struct {
		what, sql string
		args      []any
	}{
		{"users", `INSERT INTO users (external_id, created_at)
			SELECT 'scale:' || g, now() - g * interval '1 minute' FROM generate_series(1, $1::int) g`, []any{sz.Users}},
		{"tasks", `INSERT INTO tasks (user_id, name, search_query, condition_description, schedule, state,
				notify_behavior, notifications, next_run_at, created_at)
			SELECT u.id, 'Watch ' || g, 'release date of product ' || g, 'a date is announced', '0 9 * * *', 'active',
				'always', '[{"type":"email","address":"me@example.com"}]',
				now() + interval '3650 days', now() - g * interval '1 hour'
			FROM users u CROSS JOIN generate_series(1, $2::int / $1::int) g`, []any{sz.Users, sz.Tasks}},
		// Run k of a task is k × 73 days old: k = 1..10 spans two years.
		{"executions", `INSERT INTO executions (task_id, user_id, scheduled_for, trigger, status, attempt, created_at,
				started_at, finished_at, result, model, prompt_tokens, output_tokens, cost_usd)
			SELECT t.id, t.user_id, at, 'schedule', 'success', 1, at, at, at + interval '20 seconds',
				jsonb_build_object('topic', 'product', 'evidence', 'Nothing announced yet; the vendor page lists no date.',
					'sources', jsonb_build_array(jsonb_build_object('url', 'https://example.com/news/' || k, 'title', 'News')),
					'notification', CASE WHEN k <= $2::int THEN 'A date was announced.' END),
				'gemini', 1200, 300, 0.0012
			FROM tasks t CROSS JOIN generate_series(1, $1::int) k,
				LATERAL (SELECT now() - k * (interval '730 days' / $1::int) AS at) a`, []any{runsPerTask, notifiedPerTask}},
		{"deliveries", `INSERT INTO notification_deliveries (execution_id, task_id, user_id, channel, target, status,
				attempts, next_attempt_at, published_at, created_at, delivered_at)
			SELECT e.id, e.task_id, e.user_id, 'email', 'me@example.com', 'delivered', 1, e.finished_at, e.finished_at,
				e.finished_at, e.finished_at
			FROM executions e WHERE e.result->>'notification' <> ''`, nil},
		// Every run's trail: a routine run's five steps. Its findings: the search's report, its
		// own, and the task's watched page, the same text on every run (stored once), each
		// last seen when the run was; so findings past their retention are the old runs' own.
		{"steps", `INSERT INTO execution_steps (execution_id, steps, finding_hashes)
			SELECT e.id, jsonb_build_array(
					jsonb_build_object('kind', 'model', 'attempt', 1, 'at', e.started_at, 'duration_ms', 1800, 'purpose', 'search',
						'model', 'gemini', 'prompt_tokens', 900, 'output_tokens', 200, 'cost_usd', 0.0004),
					jsonb_build_object('kind', 'search', 'attempt', 1, 'at', e.started_at, 'duration_ms', 1800,
						'queries', jsonb_build_array(t.search_query), 'results', 6, 'cost_usd', 0.0007),
					jsonb_build_object('kind', 'page', 'attempt', 1, 'at', e.started_at, 'duration_ms', 240,
						'url', 'https://example.com/product/' || t.id, 'status', 200, 'bytes', 48000),
					jsonb_build_object('kind', 'model', 'attempt', 1, 'at', e.started_at, 'duration_ms', 900, 'purpose', 'decide',
						'model', 'gemini', 'prompt_tokens', 300, 'output_tokens', 100, 'cost_usd', 0.0001),
					jsonb_build_object('kind', 'decision', 'attempt', 1, 'at', e.started_at, 'duration_ms', 900,
						'confidence', 70, 'silence_reason', 'condition_not_met')),
				ARRAY[sha256(convert_to('report ' || e.id, 'UTF8')), sha256(convert_to('page ' || t.id, 'UTF8'))]
			FROM executions e JOIN tasks t ON t.id = e.task_id`, nil},
		{"findings", `INSERT INTO findings (hash, body, seen_at)
			SELECT sha256(convert_to('report ' || e.id, 'UTF8')),
				jsonb_build_object('kind', 'report', 'text', repeat('The vendor has not announced a date; reports differ. [1] ', 36)),
				e.created_at
			FROM executions e
			UNION ALL
			SELECT sha256(convert_to('page ' || t.id, 'UTF8')),
				jsonb_build_object('kind', 'page', 'url', 'https://example.com/product/' || t.id, 'title', 'Product',
					'text', repeat('Product page text with specifications and prices. ', 80), 'read', true),
				(SELECT max(created_at) FROM executions l WHERE l.task_id = t.id)
			FROM tasks t`, nil},
		{"attempts", `INSERT INTO delivery_attempts (delivery_id, attempted_at, ok, response_code, latency_ms)
			SELECT id, delivered_at, true, 250, 120 FROM notification_deliveries`, nil},
		{"latest runs", `UPDATE tasks t SET last_execution_id = e.id, last_run_at = e.finished_at
			FROM executions e WHERE e.task_id = t.id AND e.created_at = (SELECT max(created_at) FROM executions l WHERE l.task_id = t.id)`, nil},
		// The due tasks are spread over the users, as a backlog after an outage would be.
		{"due tasks", `UPDATE tasks SET next_run_at = now() - interval '1 minute'
			WHERE id IN (SELECT id FROM tasks ORDER BY id LIMIT $1::int)`, []any{dueTasks}},
	}
	for _, s := range steps {
		if _, err := conn.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("seeding %s: %w", s.what, err)
		}
	}
	_, err := conn.Exec(ctx, `VACUUM ANALYZE`)
	return err
}
