-- name: InsertTask :one
INSERT INTO tasks (id, user_id, name, name_is_default, search_query, condition_description, schedule,
                   timezone, notify_behavior, depth, notifications, state, next_run_at, next_run_cause, urls, context, mode)
VALUES (@id, @user_id, @name, @name_is_default, @search_query, @condition_description, @schedule,
        @timezone, @notify_behavior, @depth, @notifications, @state, @next_run_at, @next_run_cause, @urls, @context, @mode)
RETURNING *;

-- name: GetTask :one
SELECT * FROM tasks WHERE id = @id AND user_id = @user_id;

-- name: GetTaskForUpdate :one
SELECT * FROM tasks WHERE id = @id AND user_id = @user_id FOR UPDATE;

-- name: GetTaskVersion :one
-- xmin changes with every write to the row: the version an optimistic write checks.
SELECT sqlc.embed(tasks), xmin::text AS version FROM tasks WHERE id = @id AND user_id = @user_id;

-- name: TaskStateAtVersion :one
SELECT state FROM tasks WHERE id = @id AND user_id = @user_id AND xmin::text = @version::text FOR UPDATE;

-- name: UpdateTask :one
UPDATE tasks SET name = @name, name_is_default = @name_is_default, search_query = @search_query,
       condition_description = @condition_description, schedule = @schedule, timezone = @timezone,
       notify_behavior = @notify_behavior, depth = @depth, notifications = @notifications, state = @state,
       state_changed_at = @state_changed_at, next_run_at = @next_run_at, next_run_cause = @next_run_cause,
       urls = @urls, context = @context, public = @public, public_slug = sqlc.narg(public_slug),
       public_context_ok = @public_context_ok, published_at = sqlc.narg(published_at), updated_at = now()
WHERE id = @id AND user_id = @user_id
RETURNING *;

-- name: DeleteTask :execrows
DELETE FROM tasks WHERE id = @id AND user_id = @user_id;

-- name: DeleteTaskAtVersion :execrows
DELETE FROM tasks WHERE id = @id AND user_id = @user_id AND xmin::text = @version::text;

-- name: LockUserTasks :exec
-- Serializes, per user, the writes that may add an active task (see lockUserTasks).
SELECT 1 FROM users WHERE id = @user_id FOR NO KEY UPDATE;

-- name: CountActiveTasks :one
SELECT count(*) FROM tasks WHERE user_id = @user_id AND state = 'active';

-- name: CountOtherActiveTasks :one
SELECT count(*) FROM tasks WHERE user_id = @user_id AND state = 'active' AND id <> @id;

-- name: ListTasks :many
-- An empty state lists every state; a null cursor starts at the newest.
SELECT * FROM tasks
WHERE user_id = @user_id
  AND (@state::text = '' OR state = @state::text)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max_rows;

-- name: ClaimDueTasks :many
-- Claims due tasks and, in the same statement, records each claimed fire as a pending execution
-- at its original time, so the (task_id, scheduled_for) key and recovery see a fire the moment it
-- is claimed. A task whose scheduled run is still unfinished is not claimed again: that run is
-- owed (recovery and reap bring it back), and a second fire beside it would be a second run.
WITH due AS (
    SELECT id AS due_id, user_id AS due_user_id, next_run_at AS due_at FROM tasks
    WHERE state = 'active' AND next_run_at <= @now::timestamptz
      -- OFFSET 0 keeps this a probe of executions_unfinished_schedule_idx per due task: pulled
      -- up into an anti join, it is planned from statistics that see executions empty while a
      -- backlog is claimed, and the join then rescans every unfinished run for each due task.
      AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.task_id = tasks.id AND e.trigger = 'schedule'
                      AND e.status IN ('pending', 'running', 'retrying') OFFSET 0)
    ORDER BY next_run_at
    LIMIT @max_rows::int
    FOR UPDATE SKIP LOCKED
), leased AS (
    UPDATE tasks t SET next_run_at = @lease_until::timestamptz, next_run_cause = 'claimed'
    FROM due WHERE t.id = due.due_id
)
INSERT INTO executions (task_id, user_id, scheduled_for, trigger)
SELECT due_id, due_user_id, due_at, 'schedule' FROM due
ON CONFLICT (task_id, scheduled_for) DO NOTHING
RETURNING task_id, user_id, scheduled_for;

-- name: CancelRuns :execrows
UPDATE executions SET status = 'cancelled', finished_at = @now, error = 'Cancelled by a forced run.'
WHERE task_id = @task_id AND user_id = @user_id AND status IN ('pending', 'running', 'retrying');

-- name: GetTaskByID :one
SELECT * FROM tasks WHERE id = @id;

-- name: GetTaskByIDForUpdate :one
SELECT * FROM tasks WHERE id = @id FOR UPDATE;

-- name: SetTaskNotifications :exec
-- updated_at stays: the user did not edit the task (see UnsubscribeTaskEmail).
UPDATE tasks SET notifications = @notifications WHERE id = @id;

-- name: TaskOwner :one
SELECT user_id FROM tasks WHERE id = @id;

-- name: MonthSpends :many
-- One page of tasks' spend in one statement; a task without runs this month has no row.
SELECT task_id, COALESCE(SUM(cost_usd), 0)::float8 AS total
FROM executions
WHERE user_id = @user_id AND task_id = ANY(@task_ids::uuid[])
  AND created_at >= @month_start AND created_at < @month_end
GROUP BY task_id;
