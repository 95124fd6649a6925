-- name: AppendSteps :exec
-- A run's trail: each attempt appends its steps to the run's row; the findings are the last
-- attempt's that reached a decision (an attempt that failed before one keeps the earlier).
INSERT INTO execution_steps (execution_id, steps, finding_hashes)
VALUES (@execution_id, @steps::jsonb, @finding_hashes::bytea[])
ON CONFLICT (execution_id) DO UPDATE SET steps = execution_steps.steps || EXCLUDED.steps,
    finding_hashes = CASE WHEN cardinality(EXCLUDED.finding_hashes) > 0
                          THEN EXCLUDED.finding_hashes ELSE execution_steps.finding_hashes END;

-- name: KeepFindings :exec
-- Stores each finding once per content hash. A finding seen again is marked seen, at most once
-- a day, so a watched page that never changes is not rewritten on every run.
INSERT INTO findings (hash, body, seen_at)
SELECT unnest(@hashes::bytea[]), unnest(@bodies::text[])::jsonb, @now::timestamptz
ON CONFLICT (hash) DO UPDATE SET seen_at = EXCLUDED.seen_at
WHERE findings.seen_at < EXCLUDED.seen_at - interval '1 day';

-- name: ExecutionSteps :one
SELECT s.steps FROM execution_steps s JOIN executions e ON e.id = s.execution_id
WHERE s.execution_id = @execution_id AND e.user_id = @user_id;

-- name: ExecutionFindings :many
-- The findings a run's decision saw, in order; those expired since are left out.
SELECT f.body::text FROM execution_steps s JOIN executions e ON e.id = s.execution_id
CROSS JOIN LATERAL unnest(s.finding_hashes) WITH ORDINALITY AS h(hash, n)
JOIN findings f ON f.hash = h.hash
WHERE s.execution_id = @execution_id AND e.user_id = @user_id
ORDER BY h.n;

-- name: DeleteExpiredFindings :execrows
-- One batch of findings retention: the longest unseen first, those another transaction holds
-- (a run marking them seen) left for the next pass. The batch is gathered into an array first,
-- so the delete probes the primary key for each: as `hash IN (SELECT ...)` the planner joins
-- against a scan of the whole table (bench/scale.sh: 14 ms a batch at 11,000 findings, 63 ms
-- at 110,000).
DELETE FROM findings WHERE hash = ANY(ARRAY(
    SELECT hash FROM findings WHERE seen_at < @before::timestamptz
    ORDER BY seen_at LIMIT @max_rows::int
    FOR UPDATE SKIP LOCKED
));
