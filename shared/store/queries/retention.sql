-- name: DeleteExpiredRuns :execrows
-- One batch of retention: the oldest finished runs created before @before that notified nobody
-- (neither a notification in the result nor a delivery row). A task's latest run stays, by the
-- task's own pointer and by time, so every task keeps its last result. SKIP LOCKED leaves runs
-- another transaction holds; the batch is small so the locks it takes are short.
-- OFFSET 0 keeps each check a probe per run, in the retention index's order, so the statement
-- stops at the batch's last run: pulled up into anti joins, the checks read every delivery and
-- task and the plan sorts every expired run (bench/scale.sh: 0.5 s a batch at 100,000 runs).
DELETE FROM executions WHERE id IN (
    SELECT e.id FROM executions e
    WHERE e.created_at < @before::timestamptz
      AND e.status IN ('success', 'failed', 'cancelled') AND COALESCE(e.result->>'notification', '') = ''
      AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.execution_id = e.id OFFSET 0)
      AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.last_execution_id = e.id OFFSET 0)
      AND EXISTS (SELECT 1 FROM executions n WHERE n.task_id = e.task_id
                  AND (n.created_at > e.created_at OR (n.created_at = e.created_at AND n.id > e.id)) OFFSET 0)
    ORDER BY e.created_at
    LIMIT @max_rows::int
    FOR UPDATE OF e SKIP LOCKED
);
