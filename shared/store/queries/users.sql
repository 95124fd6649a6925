-- name: UserByExternalID :one
-- Authentication reads this: a deactivated user is not found, on every instance at once.
SELECT * FROM users WHERE external_id = @external_id AND deactivated_at IS NULL;

-- name: UpsertUser :one
INSERT INTO users (external_id, email, display_name)
VALUES (@external_id, NULLIF(@email::text, ''), NULLIF(@display_name::text, ''))
ON CONFLICT (external_id) DO UPDATE
   SET email = COALESCE(EXCLUDED.email, users.email),
       display_name = COALESCE(EXCLUDED.display_name, users.display_name),
       updated_at = CASE WHEN EXCLUDED.email IS DISTINCT FROM users.email
                           OR EXCLUDED.display_name IS DISTINCT FROM users.display_name
                         THEN now() ELSE users.updated_at END
 -- A deactivated user is neither updated nor returned: sign-in refuses them (EnsureUser).
 WHERE users.deactivated_at IS NULL
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = @id;

-- name: SetUserRole :execrows
UPDATE users SET role = @role, updated_at = now() WHERE id = @id;

-- name: ListUsers :many
SELECT * FROM users
WHERE (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: CreateAPIKey :one
INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES (@user_id, @name, @prefix, @key_hash) RETURNING *;

-- name: ListAPIKeys :many
SELECT * FROM api_keys WHERE user_id = @user_id AND revoked_at IS NULL ORDER BY created_at DESC, id DESC;

-- name: RevokeAPIKey :execrows
UPDATE api_keys SET revoked_at = now() WHERE id = @id AND user_id = @user_id AND revoked_at IS NULL;

-- name: LookupAPIKey :one
SELECT sqlc.embed(k), u.external_id, u.email, u.display_name, u.role, u.created_at AS user_created_at
FROM api_keys k JOIN users u ON u.id = k.user_id
-- The deactivation check lives in the statement that authenticates, so no reader can skip it.
WHERE k.key_hash = @key_hash AND k.revoked_at IS NULL AND u.deactivated_at IS NULL;

-- name: TouchAPIKey :exec
-- At most one write a minute per key, however many instances see it used.
UPDATE api_keys SET last_used_at = sqlc.arg(at)::timestamptz
WHERE id = @id AND (last_used_at IS NULL OR last_used_at < sqlc.arg(at)::timestamptz - interval '1 minute');

-- name: PlatformStats :one
SELECT (SELECT count(*) FROM users)::int AS users,
       (SELECT count(*) FROM tasks WHERE state = 'active')::int AS active_tasks,
       (count(*) FILTER (WHERE status IN ('success', 'failed')))::int AS runs,
       (count(*) FILTER (WHERE status = 'failed'))::int AS failed_runs,
       (count(*) FILTER (WHERE status = 'success' AND result->>'notification' <> ''))::int AS notified_runs
FROM executions WHERE finished_at >= @since::timestamptz;

-- name: ListAllTasks :many
SELECT * FROM tasks
WHERE (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: ListAllExecutions :many
SELECT * FROM executions
WHERE (@status::text = '' OR status = @status::text)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: UsersByEmail :many
-- Addresses are compared without case, as mail systems do; more than one row means the address
-- is ambiguous and the caller must name the user by id.
SELECT * FROM users WHERE lower(email) = lower(@email::text) ORDER BY created_at LIMIT 2;
