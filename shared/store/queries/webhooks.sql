-- name: EnsureWebhook :one
-- A concurrent first call may insert after this statement's snapshot: then no row comes back.
WITH ins AS (
    INSERT INTO user_webhooks (user_id, secret_salt) VALUES (@user_id, @salt)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING *
)
SELECT * FROM ins
UNION ALL
SELECT * FROM user_webhooks WHERE user_id = @user_id
LIMIT 1;

-- name: GetWebhook :one
SELECT * FROM user_webhooks WHERE user_id = @user_id;

-- name: SetWebhook :one
INSERT INTO user_webhooks (user_id, url, enabled, secret_salt, created_at, updated_at)
VALUES (@user_id, @url, @enabled, @salt, @now, @now)
ON CONFLICT (user_id) DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at
RETURNING *;

-- name: RotateWebhookSecret :one
UPDATE user_webhooks SET previous_salt = secret_salt, previous_expires_at = @keep_until::timestamptz,
       secret_salt = @salt, rotated_at = @now::timestamptz, updated_at = @now::timestamptz
WHERE user_id = @user_id
RETURNING *;

-- name: InsertDisabledWebhook :exec
INSERT INTO disabled_webhooks (user_id, url, reason, disabled_at)
VALUES (@user_id, @url, left(@reason::text, 500), @disabled_at) ON CONFLICT (user_id, url) DO NOTHING;

-- name: SwitchOffWebhook :exec
UPDATE user_webhooks SET enabled = false, updated_at = @now WHERE user_id = @user_id AND url = @url AND enabled;

-- name: DeleteDisabledWebhook :execrows
DELETE FROM disabled_webhooks WHERE user_id = @user_id AND url = @url;

-- name: DisabledWebhooks :many
SELECT url, reason, disabled_at FROM disabled_webhooks WHERE user_id = @user_id ORDER BY disabled_at DESC, url;

-- name: WebhookDisabled :one
SELECT url, reason, disabled_at FROM disabled_webhooks WHERE user_id = @user_id AND url = @url;
