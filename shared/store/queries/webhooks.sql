-- name: EnsureWebhook :one
-- A concurrent first call may insert after this statement's snapshot: then no row comes back.
WITH ins AS (
    INSERT INTO user_webhooks (user_id, secret_salt, secret_sealed) VALUES (@user_id, @salt, sqlc.narg(sealed))
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
INSERT INTO user_webhooks (user_id, url, enabled, secret_salt, secret_sealed, created_at, updated_at)
VALUES (@user_id, @url, @enabled, @salt, sqlc.narg(sealed), @now, @now)
ON CONFLICT (user_id) DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at
RETURNING *;

-- name: RotateWebhookSecret :one
UPDATE user_webhooks SET previous_salt = secret_salt, previous_expires_at = @keep_until::timestamptz,
       previous_sealed = secret_sealed, secret_salt = @salt, secret_sealed = sqlc.narg(sealed),
       rotated_at = @now::timestamptz, updated_at = @now::timestamptz
WHERE user_id = @user_id
RETURNING *;

-- name: SealWebhookSecrets :one
-- Stores the sealed form of a secret that was still derived; a concurrent call that stored it
-- first wins (both sealed the same secret), and then no row comes back.
UPDATE user_webhooks SET secret_sealed = @secret_sealed,
       previous_sealed = CASE WHEN previous_salt IS NULL THEN NULL ELSE sqlc.narg(previous_sealed) END
WHERE user_id = @user_id AND secret_sealed IS NULL
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

-- name: WebhookHeaders :many
SELECT name, value_sealed, updated_at FROM webhook_headers WHERE user_id = @user_id ORDER BY name;

-- name: LockWebhook :one
-- Serializes header changes of one user, so two at once cannot pass the limit together.
SELECT user_id FROM user_webhooks WHERE user_id = @user_id FOR UPDATE;

-- name: UpsertWebhookHeader :execrows
-- Replaces the header's value, or adds it when the user has fewer than @max_headers.
INSERT INTO webhook_headers (user_id, name, value_sealed, created_at, updated_at)
SELECT @user_id, @name, @value_sealed, @now, @now
WHERE EXISTS (SELECT 1 FROM webhook_headers WHERE user_id = @user_id AND name = @name)
   OR (SELECT count(*) FROM webhook_headers WHERE user_id = @user_id) < @max_headers::int
ON CONFLICT (user_id, name) DO UPDATE SET value_sealed = EXCLUDED.value_sealed, updated_at = EXCLUDED.updated_at;

-- name: DeleteWebhookHeader :execrows
DELETE FROM webhook_headers WHERE user_id = @user_id AND name = @name;
