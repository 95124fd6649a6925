-- name: OpenAlert :one
-- At most one open alert per task and cause (alerts_open_idx): a second opening returns no row.
INSERT INTO alerts (user_id, task_id, cause, message, advice, opened_at)
SELECT @user_id, t.id, @cause, left(@message::text, 2000), left(@advice::text, 2000), @now
FROM tasks t WHERE t.id = @task_id AND t.user_id = @user_id
ON CONFLICT (task_id, cause) WHERE resolved_at IS NULL DO NOTHING
RETURNING *;

-- name: ResolveAlerts :many
UPDATE alerts SET resolved_at = @now
WHERE task_id = @task_id AND user_id = @user_id AND cause = ANY(@causes::text[]) AND resolved_at IS NULL
RETURNING *;

-- name: ResolveUserAlerts :execrows
-- The user's open alerts of some causes, whatever their task (an endpoint that works again).
UPDATE alerts SET resolved_at = @now
WHERE user_id = @user_id AND cause = ANY(@causes::text[]) AND resolved_at IS NULL;

-- name: InsertAlertDelivery :one
INSERT INTO notification_deliveries (alert_id, alert_phase, task_id, user_id, channel, target, next_attempt_at)
VALUES (@alert_id, @alert_phase, @task_id, @user_id, @channel, @target, @now)
ON CONFLICT (alert_id, alert_phase, channel, target) WHERE alert_id IS NOT NULL DO NOTHING
RETURNING *;

-- name: GetAlert :one
SELECT * FROM alerts WHERE id = @id AND user_id = @user_id;

-- name: ListAlerts :many
SELECT sqlc.embed(a), COALESCE((SELECT t.name FROM tasks t WHERE t.id = a.task_id), '')::text AS task_name
FROM alerts a
WHERE a.user_id = @user_id AND (NOT @open_only::boolean OR a.resolved_at IS NULL)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (a.opened_at, a.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY a.opened_at DESC, a.id DESC LIMIT @max_rows;

-- name: OpenAlertsOf :many
-- A page of tasks' open alerts in one statement, from alerts_open_idx.
SELECT * FROM alerts
WHERE user_id = @user_id AND task_id = ANY(@task_ids::uuid[]) AND resolved_at IS NULL
ORDER BY opened_at, id;

-- name: LastRunStatuses :many
-- The task's most recent finished runs, newest first (executions_task_id_idx); runs the spend
-- cap held back never ran, so they neither make nor break a streak of failures.
SELECT status FROM executions
WHERE task_id = @task_id AND user_id = @user_id AND status IN ('success', 'failed')
  AND silence_reason IS DISTINCT FROM 'spend_cap'
ORDER BY created_at DESC, id DESC LIMIT @max_rows::int;

-- name: LateTasks :many
-- Active tasks whose next run was due before @before and that have no open overdue alert,
-- most overdue first, from tasks_due_idx; the caller decides which of them are overdue for
-- their schedule.
SELECT * FROM tasks t
WHERE t.state = 'active' AND t.next_run_at < @before::timestamptz
  AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.task_id = t.id AND a.cause = 'overdue' AND a.resolved_at IS NULL)
ORDER BY t.next_run_at LIMIT @max_rows::int;

-- name: UserMonthSpend :one
-- executions_user_idx answers it from the index alone (it includes cost_usd).
SELECT COALESCE(SUM(cost_usd), 0)::float8 AS total FROM executions
WHERE user_id = @user_id AND created_at >= @month_start AND created_at < @month_end;

-- name: TaskMonthUsage :one
-- Everything a run's spend check reads, in one statement on the run's path: what the task's
-- runs cost this month and how many cost anything, what all the user's runs cost
-- (executions_user_idx, from the index alone), and the user's own cap (null: the platform's).
-- No row when there is no such user.
SELECT tu.total, tu.paid_runs, uu.total AS user_total, u.monthly_spend_cap_usd AS user_cap
FROM users u
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(e.cost_usd), 0)::float8 AS total, count(*) FILTER (WHERE e.cost_usd > 0)::int AS paid_runs
    FROM executions e
    WHERE e.task_id = @task_id AND e.user_id = @user_id AND e.created_at >= @month_start AND e.created_at < @month_end
) tu
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(e.cost_usd), 0)::float8 AS total FROM executions e
    WHERE e.user_id = @user_id AND e.created_at >= @month_start AND e.created_at < @month_end
) uu
WHERE u.id = @user_id;

-- name: SetTaskBudget :execrows
UPDATE tasks SET monthly_budget_usd = sqlc.narg(budget)::numeric WHERE id = @id AND user_id = @user_id;

-- name: SetUserSpendCap :execrows
UPDATE users SET monthly_spend_cap_usd = sqlc.narg(cap)::numeric, updated_at = now() WHERE id = @id;
