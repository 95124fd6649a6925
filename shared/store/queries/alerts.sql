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
-- The user's running total for @month (000022; 0 when it is for an earlier month) and their
-- own cap (null: the platform's), from the one row.
SELECT (CASE WHEN spend_month = @month::date THEN spend_month_usd ELSE 0 END)::float8 AS total,
       monthly_spend_cap_usd AS user_cap
FROM users WHERE id = @user_id;

-- name: TaskMonthUsage :one
-- Everything a run's spend check reads, in one statement on the run's path, from the running
-- totals for @month (000022): what the task's runs cost and how many cost anything, what all
-- the user's runs cost, and the user's own cap (null: the platform's). Two primary-key reads,
-- however many runs the month holds. No row when there is no such user.
SELECT (CASE WHEN t.spend_month = @month::date THEN t.spend_month_usd ELSE 0 END)::float8 AS total,
       (CASE WHEN t.spend_month = @month::date THEN t.spend_month_paid_runs ELSE 0 END)::int AS paid_runs,
       (CASE WHEN u.spend_month = @month::date THEN u.spend_month_usd ELSE 0 END)::float8 AS user_total,
       u.monthly_spend_cap_usd AS user_cap
FROM users u
LEFT JOIN tasks t ON t.id = @task_id AND t.user_id = u.id
WHERE u.id = @user_id;

-- name: AddSpend :exec
-- A finishing attempt's cost, added to its task's and its user's totals for @month (restarted
-- when they are for an earlier month), in the run's finish transaction. The run counts as paid
-- once: when this attempt's cost, rounded as the column rounds it, is all its execution has
-- (FinishExecution has added it).
WITH u AS (
    UPDATE users uu SET spend_month_usd = (CASE WHEN uu.spend_month = @month::date THEN uu.spend_month_usd ELSE 0 END) + @cost::float8,
                        spend_month = @month::date
    WHERE uu.id = @user_id
)
UPDATE tasks tt SET spend_month_usd = (CASE WHEN tt.spend_month = @month::date THEN tt.spend_month_usd ELSE 0 END) + @cost::float8,
                    spend_month_paid_runs = (CASE WHEN tt.spend_month = @month::date THEN tt.spend_month_paid_runs ELSE 0 END)
                        + (SELECT CASE WHEN e.cost_usd <= @cost::numeric(12, 6) THEN 1 ELSE 0 END FROM executions e WHERE e.id = @execution_id),
                    spend_month = @month::date
WHERE tt.id = @task_id AND tt.user_id = @user_id;

-- name: SetTaskBudget :execrows
UPDATE tasks SET monthly_budget_usd = sqlc.narg(budget)::numeric WHERE id = @id AND user_id = @user_id;

-- name: SetUserSpendCap :execrows
UPDATE users SET monthly_spend_cap_usd = sqlc.narg(cap)::numeric, updated_at = now() WHERE id = @id;
