-- Why: the cost of a user's request and of the tick must not grow with the tables (issue 16).
-- shared/store/indexplan_test.go plans every query with sequential scans off and fails when one
-- still reads a big table whole; these are the indexes it found missing, and the ones the
-- execution retention (queries/retention.sql) needs.
-- Not CONCURRENTLY: golang-migrate's pgx driver sends a file as one multi-statement query, which
-- PostgreSQL runs as a transaction block, where CONCURRENTLY is refused. Each build holds off
-- writes to its table while it runs, so run this migration off-peak on a large database.

-- The notifications list reads one user's notified runs, newest first, across their tasks.
CREATE INDEX IF NOT EXISTS executions_notified_idx
    ON executions (user_id, created_at DESC, id DESC)
    WHERE status = 'success' AND result->>'notification' <> '';

-- Retention finds the oldest finished runs that notified nobody.
CREATE INDEX IF NOT EXISTS executions_retention_idx
    ON executions (created_at)
    WHERE status IN ('success', 'failed', 'cancelled') AND COALESCE(result->>'notification', '') = '';

-- Deleting a run sets these references to null: without an index each deleted row would scan
-- the whole referencing table.
CREATE INDEX IF NOT EXISTS task_memory_execution_idx
    ON task_memory (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS tasks_last_execution_idx
    ON tasks (last_execution_id) WHERE last_execution_id IS NOT NULL;
