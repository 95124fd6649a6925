-- name: DeactivateUser :one
UPDATE users SET deactivated_at = @at::timestamptz, updated_at = @at::timestamptz
WHERE id = @id AND deactivated_at IS NULL
RETURNING *;

-- name: ReactivateUser :one
UPDATE users SET deactivated_at = NULL, updated_at = @at::timestamptz
WHERE id = @id AND deactivated_at IS NOT NULL
RETURNING *;

-- name: InsertAdminAction :one
INSERT INTO admin_actions (actor_id, target_id, action, detail, created_at)
VALUES (@actor_id, @target_id, @action, @detail, @at::timestamptz)
RETURNING *;

-- name: ListAdminActions :many
SELECT sqlc.embed(a), COALESCE(actor.email, '')::text AS actor_email, COALESCE(target.email, '')::text AS target_email
FROM admin_actions a
LEFT JOIN users actor ON actor.id = a.actor_id
LEFT JOIN users target ON target.id = a.target_id
WHERE (sqlc.narg(target_id)::uuid IS NULL OR a.target_id = sqlc.narg(target_id)::uuid)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (a.created_at, a.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY a.created_at DESC, a.id DESC LIMIT @max_rows;

-- name: DeactivationsSinceReactivation :many
-- Every deactivation of the target since its latest reactivation: a second deactivation logs
-- only what it paused itself, so reactivating resumes what all of them paused.
SELECT * FROM admin_actions d
WHERE d.target_id = @target_id AND d.action = 'deactivate'
  AND d.created_at > COALESCE((SELECT max(r.created_at) FROM admin_actions r
                               WHERE r.target_id = @target_id AND r.action = 'reactivate'), '-infinity'::timestamptz)
ORDER BY d.created_at, d.id;

-- name: UserTaskIDs :many
SELECT id FROM tasks WHERE user_id = @user_id AND (@state::text = '' OR state = @state::text) ORDER BY created_at, id;

-- name: RevokeUserAPIKeys :execrows
UPDATE api_keys SET revoked_at = @at::timestamptz WHERE user_id = @user_id AND revoked_at IS NULL;

-- name: DeleteUserFindings :exec
-- The findings the user's runs saw (page text, search reports) have no owner: they are stored
-- once per content hash. They go before the runs that name them; another user's run that saw
-- the same content finds it gone, as it would once the findings retention had passed.
DELETE FROM findings WHERE hash IN (
    SELECT unnest(s.finding_hashes) FROM execution_steps s JOIN executions e ON e.id = s.execution_id
    WHERE e.user_id = @user_id
);

-- name: DeleteUser :execrows
-- Every row of the user goes with it through ON DELETE CASCADE; admin actions keep their
-- entry with the id set null.
DELETE FROM users WHERE id = @id;

-- name: DeleteUserBuckets :exec
-- Rate buckets name their user without a foreign key (000006); they go too.
DELETE FROM rate_buckets WHERE subject = @user_id;

-- name: ExportTasks :many
SELECT * FROM tasks WHERE user_id = @user_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at, id LIMIT @max_rows;

-- name: ExportExecutions :many
-- A page of the user's runs, each with its trail ('[]' when it has none).
SELECT sqlc.embed(e), COALESCE(s.steps, '[]')::jsonb AS steps
FROM executions e LEFT JOIN execution_steps s ON s.execution_id = e.id
WHERE e.user_id = @user_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (e.created_at, e.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY e.created_at, e.id LIMIT @max_rows;

-- name: ExportDeliveries :many
SELECT sqlc.embed(d), COALESCE((SELECT t.name FROM tasks t WHERE t.id = d.task_id), '')::text AS task_name
FROM notification_deliveries d WHERE d.user_id = @user_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (d.created_at, d.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY d.created_at, d.id LIMIT @max_rows;

-- name: ExportMemory :many
SELECT * FROM task_memory WHERE user_id = @user_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at, id LIMIT @max_rows;

-- name: ExportSnapshots :many
SELECT p.task_id, p.url, p.text, p.updated_at FROM page_snapshots p JOIN tasks t ON t.id = p.task_id
WHERE t.user_id = @user_id ORDER BY p.task_id, p.url;

-- name: ExportAdminActions :many
SELECT * FROM admin_actions WHERE target_id = @user_id ORDER BY created_at, id;

-- name: GetDelivery :one
SELECT * FROM notification_deliveries WHERE id = @id AND user_id = @user_id;

-- name: InsertRedelivery :one
-- A replay is a new row for the same run, channel and stored target, due now; runs only.
INSERT INTO notification_deliveries (execution_id, task_id, user_id, channel, target, next_attempt_at, redelivery_of)
SELECT d.execution_id, d.task_id, d.user_id, d.channel, d.target, @now::timestamptz, d.id
FROM notification_deliveries d
WHERE d.id = @id AND d.user_id = @user_id AND d.status IN ('delivered', 'failed')
    -- An alert's message is not replayed: it was about a moment that has passed.
    AND d.alert_id IS NULL
RETURNING *;

-- name: FeedTokenCreatedAt :one
SELECT created_at FROM feed_tokens WHERE user_id = @user_id;

-- name: ExportAPIKeys :many
-- Revoked keys too: their rows are kept, so they are the user's data.
SELECT * FROM api_keys WHERE user_id = @user_id ORDER BY created_at, id;
