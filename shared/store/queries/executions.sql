-- name: ActiveRunExists :one
SELECT EXISTS (SELECT 1 FROM executions
    WHERE task_id = @task_id AND status IN ('pending', 'running', 'retrying'));

-- name: InsertManualRun :one
INSERT INTO executions (task_id, user_id, trigger) VALUES (@task_id, @user_id, 'manual') RETURNING *;

-- name: StartManualRun :one
-- Takes a manual run created earlier, if it is pending, retrying, or running past its deadline.
UPDATE executions SET status = 'running', attempt = attempt + 1,
       started_at = @now, deadline_at = @deadline, error = NULL, internal_error = NULL, error_category = NULL,
       silence_reason = NULL
WHERE id = @id AND task_id = @task_id AND user_id = @user_id
  AND (executions.status IN ('pending', 'retrying') OR (executions.status = 'running' AND executions.deadline_at < @now))
RETURNING *;

-- name: StartScheduledRun :one
-- Creates the run of a scheduled fire on its first delivery, or takes it again on a later one
-- if it is retrying or running past its deadline.
INSERT INTO executions (task_id, user_id, scheduled_for, trigger, status, attempt, started_at, deadline_at)
SELECT @task_id, @user_id, @scheduled_for, 'schedule', 'running', 1, @now, @deadline
FROM tasks WHERE tasks.id = @task_id AND tasks.user_id = @user_id
ON CONFLICT (task_id, scheduled_for) DO UPDATE SET status = 'running',
    attempt = executions.attempt + 1, started_at = EXCLUDED.started_at, deadline_at = EXCLUDED.deadline_at,
    error = NULL, internal_error = NULL, error_category = NULL, silence_reason = NULL
WHERE executions.user_id = EXCLUDED.user_id
  AND (executions.status IN ('pending', 'retrying') OR (executions.status = 'running' AND executions.deadline_at < EXCLUDED.started_at))
RETURNING *;

-- name: GetExecution :one
SELECT * FROM executions WHERE id = @id AND user_id = @user_id;

-- name: GetExecutions :many
SELECT * FROM executions WHERE user_id = @user_id AND id = ANY(@ids::uuid[]);

-- name: ListExecutions :many
SELECT * FROM executions
WHERE task_id = @task_id AND user_id = @user_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: RecentResults :many
-- Newest run first, in executions_task_id_idx's order, so the scan stops at the fifth success
-- however many runs the task has had (by finished_at, each read sorted all of them).
SELECT result FROM executions
WHERE task_id = @task_id AND user_id = @user_id AND status = 'success' AND result IS NOT NULL
ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: FinishExecution :exec
-- Records the attempt's outcome, and fails (000023's conflict) when the attempt is no longer
-- running, so that the rest of the finish's batch is not kept.
WITH f AS (
UPDATE executions SET status = @status, finished_at = @finished_at, result = @result,
       error = NULLIF(@error::text, ''), internal_error = NULLIF(@internal_error::text, ''),
       error_category = NULLIF(@error_category::text, ''),
       silence_reason = NULLIF(@silence_reason::text, ''),
       model = @model, prompt_tokens = prompt_tokens + @prompt_tokens::int,
       output_tokens = output_tokens + @output_tokens::int,
       search_queries = search_queries + @search_queries::int, cost_usd = cost_usd + @cost_usd::numeric,
       deadline_at = COALESCE(sqlc.narg(retry_by)::timestamptz, deadline_at)
WHERE id = @id AND user_id = @user_id AND attempt = @attempt AND status = 'running'
RETURNING 1)
SELECT torale_raise_conflict(format('Attempt %s is no longer running.', @attempt::int)) WHERE NOT EXISTS (SELECT 1 FROM f);

-- name: AdvanceTask :exec
-- The run's next run stands only if the task was not edited since the run began (its
-- updated_at then): an edit has already set the right one.
UPDATE tasks SET
    last_run_at = @now, last_execution_id = @execution_id,
    next_run_at = CASE WHEN sqlc.narg(next_run_at)::timestamptz IS NOT NULL AND updated_at = @task_version
                       THEN sqlc.narg(next_run_at)::timestamptz ELSE next_run_at END,
    next_run_cause = CASE WHEN sqlc.narg(next_run_at)::timestamptz IS NOT NULL AND updated_at = @task_version
                          THEN @next_run_cause::text ELSE next_run_cause END,
    state = CASE WHEN @complete::boolean AND state = 'active' THEN 'completed' ELSE state END,
    state_changed_at = CASE WHEN @complete::boolean AND state = 'active' THEN @now ELSE state_changed_at END,
    name = CASE WHEN name_is_default AND @topic::text <> '' THEN left(@topic::text, 200) ELSE name END
WHERE id = @task_id AND user_id = @user_id;

-- name: MarkRetrying :exec
-- A claimed fire's run is being retried: its task's next run is still the claim's lease, now
-- the backstop of the retries. A task whose next run something else set keeps its cause.
UPDATE tasks SET next_run_cause = 'retrying'
WHERE id = @task_id AND user_id = @user_id AND next_run_cause = 'claimed';

-- name: InsertDelivery :one
INSERT INTO notification_deliveries (execution_id, task_id, user_id, channel, target, next_attempt_at)
VALUES (@execution_id, @task_id, @user_id, @channel, @target, @now)
RETURNING *;

-- name: ReapExecutions :execrows
UPDATE executions SET status = 'failed', finished_at = @now,
       error = 'The run stopped before it finished and was given up; the task keeps its schedule.',
       internal_error = 'reaped: ' || status || ' past deadline', error_category = 'system',
       silence_reason = 'failed'
WHERE status IN ('running', 'retrying') AND deadline_at < @now;

-- name: ReapStuckRuns :many
-- Takes back runs whose attempt died: running past their deadline, or started before
-- started_before (set only by a process that is the sole runner of its database, at its start).
-- A run with attempts left is retried under the same execution; the last attempt fails, as does
-- a retry that never came by its deadline.
UPDATE executions SET
    status = CASE WHEN status = 'running' AND attempt < @max_attempts::int THEN 'retrying' ELSE 'failed' END,
    finished_at = CASE WHEN status = 'running' AND attempt < @max_attempts::int THEN NULL ELSE @now::timestamptz END,
    deadline_at = CASE WHEN status = 'running' AND attempt < @max_attempts::int THEN @retry_by::timestamptz ELSE deadline_at END,
    error = CASE WHEN status = 'running' AND attempt < @max_attempts::int
                 THEN 'The run stopped before it finished and will run again.'
                 ELSE 'The run stopped before it finished and was given up; the task keeps its schedule.' END,
    internal_error = 'reaped: ' || status || CASE WHEN deadline_at < @now::timestamptz THEN ' past deadline' ELSE ' by a restart' END,
    error_category = 'system',
    silence_reason = CASE WHEN status = 'running' AND attempt < @max_attempts::int THEN NULL ELSE 'failed' END
WHERE (status IN ('running', 'retrying') AND deadline_at < @now::timestamptz)
   OR (status = 'running' AND started_at < sqlc.narg(started_before)::timestamptz)
RETURNING id, task_id, user_id, scheduled_for, status;

-- name: PendingRuns :many
SELECT id, task_id, user_id, scheduled_for FROM executions
WHERE status IN ('pending', 'retrying') ORDER BY created_at LIMIT @max_rows;

-- name: ListNotified :many
SELECT sqlc.embed(e), t.name AS task_name
FROM executions e JOIN tasks t ON t.id = e.task_id
WHERE e.user_id = @user_id AND (sqlc.narg(task_id)::uuid IS NULL OR e.task_id = sqlc.narg(task_id)::uuid)
  AND e.status = 'success' AND e.result->>'notification' <> ''
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (e.created_at, e.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY e.created_at DESC, e.id DESC LIMIT @max_rows;

-- name: CancelPendingFire :execrows
-- A claimed fire whose task was paused, completed or stopped before its run began: it will not
-- run, and left pending it would keep the sweep from claiming the task once it is active again.
UPDATE executions SET status = 'cancelled', finished_at = @now,
       error = 'The task was not active when this run came due.'
WHERE task_id = @task_id AND user_id = @user_id AND scheduled_for = @scheduled_for AND status = 'pending';

-- name: SilenceCounts :many
-- A page of tasks' recent finished runs in one statement: each task's last @max_runs successes
-- and failures (cancelled fires never ran), counted by whether they notified and why not. Each
-- task's runs are read newest first from executions_task_id_idx.
SELECT t.id AS task_id, r.notified, COALESCE(r.silence_reason, '')::text AS silence_reason, count(*)::int AS runs
FROM tasks t
CROSS JOIN LATERAL (
    SELECT (e.status = 'success' AND COALESCE(e.result->>'notification', '') <> '') AS notified, e.silence_reason
    FROM executions e
    WHERE e.task_id = t.id AND e.status IN ('success', 'failed')
    ORDER BY e.created_at DESC, e.id DESC
    LIMIT @max_runs::int
) r
WHERE t.user_id = @user_id AND t.id = ANY(@task_ids::uuid[])
GROUP BY t.id, r.notified, r.silence_reason;

-- name: GetTaskRunAlive :one
-- The task a run-task message names and, in the same statement, whether an attempt of the
-- message's run is running inside its deadline (a Cloud Scheduler job's message names none: its fire is the task's next run
-- to the minute in UTC, as schedule.FireOf names it), the causes of the task's open alerts (alerts_open_idx; usually none), which the
-- run's end would otherwise look up, and what the run reads before it calls the agent: the
-- task's last successful results (as RecentResults reads them; the task row is the user's), its
-- memory's newest facts (as TaskMemory reads them) and the month's spend its spend check weighs (the running totals of 000022, for @month). Every
-- run's reads before its claim, in one round trip.
SELECT sqlc.embed(tasks), EXISTS (SELECT 1 FROM executions e
    WHERE e.task_id = tasks.id AND e.user_id = tasks.user_id AND e.status = 'running' AND e.deadline_at >= @now
      AND (e.id = sqlc.narg(execution_id)::uuid
           OR e.scheduled_for = CASE WHEN sqlc.narg(execution_id)::uuid IS NULL
                                     THEN COALESCE(sqlc.narg(scheduled_for)::timestamptz,
                                                   date_trunc('minute', tasks.next_run_at, 'UTC')) END)) AS alive,
    ARRAY(SELECT a.cause FROM alerts a WHERE a.task_id = tasks.id AND a.resolved_at IS NULL)::text[] AS open_alert_causes,
    (SELECT COALESCE(jsonb_agg(r.result ORDER BY r.created_at DESC, r.id DESC), '[]'::jsonb) FROM (
        SELECT e.result, e.created_at, e.id FROM executions e
        WHERE e.task_id = tasks.id AND e.status = 'success' AND e.result IS NOT NULL
        ORDER BY e.created_at DESC, e.id DESC LIMIT @recent_rows) r)::jsonb AS recent_results,
    ARRAY(SELECT m.fact FROM task_memory m WHERE m.task_id = tasks.id AND m.user_id = tasks.user_id
          ORDER BY m.created_at DESC, m.id LIMIT @facts)::text[] AS facts,
    (CASE WHEN tasks.spend_month = @month::date THEN tasks.spend_month_usd ELSE 0 END)::float8 AS spend_total,
    (CASE WHEN tasks.spend_month = @month::date THEN tasks.spend_month_paid_runs ELSE 0 END)::int AS spend_paid_runs,
    (CASE WHEN u.spend_month = @month::date THEN u.spend_month_usd ELSE 0 END)::float8 AS user_spend_total,
    u.monthly_spend_cap_usd AS user_cap
FROM tasks JOIN users u ON u.id = tasks.user_id
WHERE tasks.id = @task_id AND tasks.user_id = @user_id;
