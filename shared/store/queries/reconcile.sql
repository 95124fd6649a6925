-- name: TasksWithJobs :many
SELECT * FROM tasks WHERE state IN ('active', 'paused') ORDER BY id;

-- name: StaleNextRuns :many
-- OFFSET 0 keeps the check a probe of (task_id, scheduled_for) per due task: as a semi join it
-- is planned as a hash of every finished run (bench/scale.sh).
SELECT t.* FROM tasks t
WHERE t.state = 'active' AND t.next_run_at < @now::timestamptz
  AND EXISTS (SELECT 1 FROM executions e WHERE e.task_id = t.id
      AND e.scheduled_for IN (t.next_run_at, date_trunc('minute', t.next_run_at))
      AND e.status IN ('success', 'failed', 'cancelled') OFFSET 0)
ORDER BY t.next_run_at LIMIT @max_rows;

-- name: MoveNextRun :execrows
-- updated_at stays: this is a repair, not an edit.
-- The repair moves the run to the schedule's next fire, or the default gap without a schedule.
UPDATE tasks SET next_run_at = @to_time::timestamptz,
       next_run_cause = CASE WHEN schedule = '' THEN 'gap' ELSE 'schedule' END
WHERE id = @id AND user_id = @user_id AND state = 'active' AND next_run_at = @from_time::timestamptz;

-- name: OverdueTasks :many
SELECT t.id, t.user_id, t.next_run_at FROM tasks t
WHERE t.state = 'active' AND t.next_run_at < @before::timestamptz
  AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.task_id = t.id
      AND e.status IN ('pending', 'running', 'retrying'))
ORDER BY t.next_run_at LIMIT @max_rows;

-- name: TryAdvisoryLock :one
SELECT pg_try_advisory_lock(@key::bigint);

-- name: AdvisoryUnlock :exec
SELECT pg_advisory_unlock(@key::bigint);
