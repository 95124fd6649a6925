-- name: TaskMemory :one
-- The task's newest facts and, in the same statement, whether the task is the user's (no row:
-- it is not), so a run reads its memory in one round trip.
SELECT ARRAY(SELECT m.fact FROM task_memory m WHERE m.task_id = t.id AND m.user_id = t.user_id
             ORDER BY m.created_at DESC, m.id LIMIT @max_rows)::text[] AS facts
FROM tasks t WHERE t.id = @task_id AND t.user_id = @user_id;

-- name: AddTaskMemory :exec
-- Facts the task already holds are skipped; the execution is linked only if it is the task's.
INSERT INTO task_memory (task_id, user_id, execution_id, fact, created_at)
SELECT @task_id::uuid, @user_id::uuid,
       (SELECT e.id FROM executions e WHERE e.id = sqlc.narg(execution_id)::uuid AND e.task_id = @task_id::uuid AND e.user_id = @user_id::uuid),
       f.fact, @now::timestamptz
FROM unnest(@facts::text[]) AS f(fact)
WHERE NOT EXISTS (SELECT 1 FROM task_memory m WHERE m.task_id = @task_id::uuid AND m.fact = f.fact);

-- name: TrimTaskMemory :exec
DELETE FROM task_memory WHERE task_memory.task_id = @task_id::uuid AND task_memory.id NOT IN
    (SELECT m.id FROM task_memory m WHERE m.task_id = @task_id::uuid ORDER BY m.created_at DESC, m.id LIMIT @keep::int);
