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

-- name: NextDueAt :one
-- When the next active task falls due (tasks_due_idx), so torale dev's sweep wakes then.
SELECT next_run_at FROM tasks WHERE state = 'active' AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT 1;

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
-- One page of tasks' running totals for @month (000022) in one statement.
SELECT id AS task_id, (CASE WHEN spend_month = @month::date THEN spend_month_usd ELSE 0 END)::float8 AS total
FROM tasks
WHERE user_id = @user_id AND id = ANY(@task_ids::uuid[]);

-- name: ListTaskViews :many
-- A page of the user's tasks with everything their API views carry, in one statement: the page
-- itself (the ids first, from tasks_user_id_idx, so the per-task reads below run for the page's
-- rows only), each task's latest run (le_*, null without one), its running spend total for
-- @month (000022), and its last @silence_runs finished runs counted by whether they
-- notified and, silent, why not (silence_reasons[i] silence_counts[i] times).
SELECT sqlc.embed(t),
       le.id AS le_id, le.scheduled_for AS le_scheduled_for, COALESCE(le.trigger, '')::text AS le_trigger,
       COALESCE(le.status, '')::text AS le_status,
       le.attempt AS le_attempt, le.created_at AS le_created_at, le.started_at AS le_started_at,
       le.finished_at AS le_finished_at, le.deadline_at AS le_deadline_at, le.result AS le_result,
       le.error AS le_error, le.internal_error AS le_internal_error, le.error_category AS le_error_category,
       le.model AS le_model, le.prompt_tokens AS le_prompt_tokens, le.output_tokens AS le_output_tokens,
       le.search_queries AS le_search_queries, COALESCE(le.cost_usd, 0)::float8 AS le_cost_usd, le.silence_reason AS le_silence_reason,
       (CASE WHEN t.spend_month = @month::date THEN t.spend_month_usd ELSE 0 END)::float8 AS month_spend_usd,
       si.runs AS silence_runs, si.silent AS silence_silent, si.reasons AS silence_reasons, si.counts AS silence_counts,
       -- Its open alerts (alerts_open_idx; nearly always none), oldest first.
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'cause', a.cause, 'message', a.message,
                    'advice', a.advice, 'opened_at', a.opened_at) ORDER BY a.opened_at)
                 FROM alerts a WHERE a.task_id = t.id AND a.resolved_at IS NULL), '[]')::jsonb AS open_alerts
FROM tasks t
LEFT JOIN executions le ON le.id = t.last_execution_id AND le.user_id = t.user_id
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(g.n), 0)::int AS runs,
           COALESCE(SUM(g.n) FILTER (WHERE NOT g.notified), 0)::int AS silent,
           COALESCE(array_agg(g.reason) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::text[] AS reasons,
           COALESCE(array_agg(g.n) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::int[] AS counts
    FROM (
        SELECT r.notified, r.reason, count(*)::int AS n
        FROM (
            SELECT COALESCE(e.status = 'success' AND COALESCE(e.result->>'notification', '') <> '', false) AS notified,
                   COALESCE(e.silence_reason, '') AS reason
            FROM executions e
            WHERE e.task_id = t.id AND e.status IN ('success', 'failed')
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @silence_runs::int
        ) r
        GROUP BY r.notified, r.reason
    ) g
) si
WHERE t.user_id = @user_id
  AND t.id = ANY(ARRAY(
      SELECT p.id FROM tasks p
      WHERE p.user_id = @user_id
        AND (@state::text = '' OR p.state = @state::text)
        AND (sqlc.narg(after_at)::timestamptz IS NULL OR (p.created_at, p.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT @max_rows))
ORDER BY t.created_at DESC, t.id DESC;

-- name: GetTaskView :one
-- One task with its view's extras, as ListTaskViews reads them (the same columns, in order).
SELECT sqlc.embed(t),
       le.id AS le_id, le.scheduled_for AS le_scheduled_for, COALESCE(le.trigger, '')::text AS le_trigger,
       COALESCE(le.status, '')::text AS le_status,
       le.attempt AS le_attempt, le.created_at AS le_created_at, le.started_at AS le_started_at,
       le.finished_at AS le_finished_at, le.deadline_at AS le_deadline_at, le.result AS le_result,
       le.error AS le_error, le.internal_error AS le_internal_error, le.error_category AS le_error_category,
       le.model AS le_model, le.prompt_tokens AS le_prompt_tokens, le.output_tokens AS le_output_tokens,
       le.search_queries AS le_search_queries, COALESCE(le.cost_usd, 0)::float8 AS le_cost_usd, le.silence_reason AS le_silence_reason,
       (CASE WHEN t.spend_month = @month::date THEN t.spend_month_usd ELSE 0 END)::float8 AS month_spend_usd,
       si.runs AS silence_runs, si.silent AS silence_silent, si.reasons AS silence_reasons, si.counts AS silence_counts,
       -- Its open alerts (alerts_open_idx; nearly always none), oldest first.
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'cause', a.cause, 'message', a.message,
                    'advice', a.advice, 'opened_at', a.opened_at) ORDER BY a.opened_at)
                 FROM alerts a WHERE a.task_id = t.id AND a.resolved_at IS NULL), '[]')::jsonb AS open_alerts
FROM tasks t
LEFT JOIN executions le ON le.id = t.last_execution_id AND le.user_id = t.user_id
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(g.n), 0)::int AS runs,
           COALESCE(SUM(g.n) FILTER (WHERE NOT g.notified), 0)::int AS silent,
           COALESCE(array_agg(g.reason) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::text[] AS reasons,
           COALESCE(array_agg(g.n) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::int[] AS counts
    FROM (
        SELECT r.notified, r.reason, count(*)::int AS n
        FROM (
            SELECT COALESCE(e.status = 'success' AND COALESCE(e.result->>'notification', '') <> '', false) AS notified,
                   COALESCE(e.silence_reason, '') AS reason
            FROM executions e
            WHERE e.task_id = t.id AND e.status IN ('success', 'failed')
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @silence_runs::int
        ) r
        GROUP BY r.notified, r.reason
    ) g
) si
WHERE t.user_id = @user_id AND t.id = @id;

-- name: ListTaskViewsByKey :many
-- ListTaskViews for the owner of an unrevoked API key, authenticating in the same statement:
-- no row when the key is unknown or revoked (or the page is empty: the caller tells them
-- apart the slow way).
WITH caller AS (
    -- The authenticating statement's own checks, in the same statement as the read, so a
    -- revoked key or a deactivated user reads nothing from the next
    -- request on, on every instance.
    SELECT k.id, k.user_id FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.key_hash = @key_hash AND k.revoked_at IS NULL AND u.deactivated_at IS NULL
), touched AS (
    -- The key's last use, written at most once a minute (TouchAPIKey's guard).
    UPDATE api_keys used SET last_used_at = sqlc.arg(used_at)::timestamptz
    WHERE used.id = (SELECT c.id FROM caller c)
      AND (used.last_used_at IS NULL OR used.last_used_at < sqlc.arg(used_at)::timestamptz - interval '1 minute')
    RETURNING used.id
)
SELECT sqlc.embed(t),
       le.id AS le_id, le.scheduled_for AS le_scheduled_for, COALESCE(le.trigger, '')::text AS le_trigger,
       COALESCE(le.status, '')::text AS le_status,
       le.attempt AS le_attempt, le.created_at AS le_created_at, le.started_at AS le_started_at,
       le.finished_at AS le_finished_at, le.deadline_at AS le_deadline_at, le.result AS le_result,
       le.error AS le_error, le.internal_error AS le_internal_error, le.error_category AS le_error_category,
       le.model AS le_model, le.prompt_tokens AS le_prompt_tokens, le.output_tokens AS le_output_tokens,
       le.search_queries AS le_search_queries, COALESCE(le.cost_usd, 0)::float8 AS le_cost_usd, le.silence_reason AS le_silence_reason,
       (CASE WHEN t.spend_month = @month::date THEN t.spend_month_usd ELSE 0 END)::float8 AS month_spend_usd,
       si.runs AS silence_runs, si.silent AS silence_silent, si.reasons AS silence_reasons, si.counts AS silence_counts,
       -- Its open alerts (alerts_open_idx; nearly always none), oldest first.
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'cause', a.cause, 'message', a.message,
                    'advice', a.advice, 'opened_at', a.opened_at) ORDER BY a.opened_at)
                 FROM alerts a WHERE a.task_id = t.id AND a.resolved_at IS NULL), '[]')::jsonb AS open_alerts
FROM tasks t
LEFT JOIN executions le ON le.id = t.last_execution_id AND le.user_id = t.user_id
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(g.n), 0)::int AS runs,
           COALESCE(SUM(g.n) FILTER (WHERE NOT g.notified), 0)::int AS silent,
           COALESCE(array_agg(g.reason) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::text[] AS reasons,
           COALESCE(array_agg(g.n) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::int[] AS counts
    FROM (
        SELECT r.notified, r.reason, count(*)::int AS n
        FROM (
            SELECT COALESCE(e.status = 'success' AND COALESCE(e.result->>'notification', '') <> '', false) AS notified,
                   COALESCE(e.silence_reason, '') AS reason
            FROM executions e
            WHERE e.task_id = t.id AND e.status IN ('success', 'failed')
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @silence_runs::int
        ) r
        GROUP BY r.notified, r.reason
    ) g
) si
WHERE t.user_id = (SELECT user_id FROM caller)
  AND t.id = ANY(ARRAY(
      SELECT p.id FROM tasks p
      WHERE p.user_id = (SELECT user_id FROM caller)
        AND (@state::text = '' OR p.state = @state::text)
        AND (sqlc.narg(after_at)::timestamptz IS NULL OR (p.created_at, p.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT @max_rows))
ORDER BY t.created_at DESC, t.id DESC;

-- name: GetTaskViewByKey :one
-- GetTaskView for the owner of an unrevoked API key, authenticating in the same statement.
WITH caller AS (
    -- The authenticating statement's own checks, in the same statement as the read, so a
    -- revoked key or a deactivated user reads nothing from the next
    -- request on, on every instance.
    SELECT k.id, k.user_id FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.key_hash = @key_hash AND k.revoked_at IS NULL AND u.deactivated_at IS NULL
), touched AS (
    -- The key's last use, written at most once a minute (TouchAPIKey's guard).
    UPDATE api_keys used SET last_used_at = sqlc.arg(used_at)::timestamptz
    WHERE used.id = (SELECT c.id FROM caller c)
      AND (used.last_used_at IS NULL OR used.last_used_at < sqlc.arg(used_at)::timestamptz - interval '1 minute')
    RETURNING used.id
)
SELECT sqlc.embed(t),
       le.id AS le_id, le.scheduled_for AS le_scheduled_for, COALESCE(le.trigger, '')::text AS le_trigger,
       COALESCE(le.status, '')::text AS le_status,
       le.attempt AS le_attempt, le.created_at AS le_created_at, le.started_at AS le_started_at,
       le.finished_at AS le_finished_at, le.deadline_at AS le_deadline_at, le.result AS le_result,
       le.error AS le_error, le.internal_error AS le_internal_error, le.error_category AS le_error_category,
       le.model AS le_model, le.prompt_tokens AS le_prompt_tokens, le.output_tokens AS le_output_tokens,
       le.search_queries AS le_search_queries, COALESCE(le.cost_usd, 0)::float8 AS le_cost_usd, le.silence_reason AS le_silence_reason,
       (CASE WHEN t.spend_month = @month::date THEN t.spend_month_usd ELSE 0 END)::float8 AS month_spend_usd,
       si.runs AS silence_runs, si.silent AS silence_silent, si.reasons AS silence_reasons, si.counts AS silence_counts,
       -- Its open alerts (alerts_open_idx; nearly always none), oldest first.
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'cause', a.cause, 'message', a.message,
                    'advice', a.advice, 'opened_at', a.opened_at) ORDER BY a.opened_at)
                 FROM alerts a WHERE a.task_id = t.id AND a.resolved_at IS NULL), '[]')::jsonb AS open_alerts
FROM tasks t
LEFT JOIN executions le ON le.id = t.last_execution_id AND le.user_id = t.user_id
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(g.n), 0)::int AS runs,
           COALESCE(SUM(g.n) FILTER (WHERE NOT g.notified), 0)::int AS silent,
           COALESCE(array_agg(g.reason) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::text[] AS reasons,
           COALESCE(array_agg(g.n) FILTER (WHERE NOT g.notified AND g.reason <> ''), '{}')::int[] AS counts
    FROM (
        SELECT r.notified, r.reason, count(*)::int AS n
        FROM (
            SELECT COALESCE(e.status = 'success' AND COALESCE(e.result->>'notification', '') <> '', false) AS notified,
                   COALESCE(e.silence_reason, '') AS reason
            FROM executions e
            WHERE e.task_id = t.id AND e.status IN ('success', 'failed')
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @silence_runs::int
        ) r
        GROUP BY r.notified, r.reason
    ) g
) si
WHERE t.user_id = (SELECT user_id FROM caller) AND t.id = @id;
