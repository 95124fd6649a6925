-- name: EnsureFeedToken :one
-- The user's feed token, made from the given salt and hash when the user has none yet.
WITH made AS (
    INSERT INTO feed_tokens (user_id, salt, token_hash) VALUES (@user_id, @salt, @token_hash)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id, salt, token_hash, created_at
)
SELECT user_id, salt, token_hash, created_at FROM made
UNION ALL
SELECT user_id, salt, token_hash, created_at FROM feed_tokens WHERE user_id = @user_id
LIMIT 1;

-- name: GetFeedToken :one
SELECT * FROM feed_tokens WHERE user_id = @user_id;

-- name: RotateFeedToken :one
INSERT INTO feed_tokens (user_id, salt, token_hash, created_at) VALUES (@user_id, @salt, @token_hash, @now)
ON CONFLICT (user_id) DO UPDATE SET salt = EXCLUDED.salt, token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at
RETURNING *;

-- name: ReadFeed :one
-- A feed in one query: the token's owner (no row when the token names nobody), whether the task
-- asked for is the owner's, and the newest runs that notified as one JSON array, newest first.
SELECT f.user_id, f.created_at AS token_made_at,
       COALESCE(ft.name, '')::text AS feed_task_name, (ft.id IS NOT NULL)::bool AS task_found,
       COALESCE((
           SELECT jsonb_agg(jsonb_build_object('id', x.id, 'task_id', x.task_id, 'task_name', x.task_name,
                      'created_at', x.created_at, 'finished_at', x.finished_at, 'result', x.result)
                  ORDER BY x.created_at DESC, x.id DESC)
           FROM (
               SELECT e.id, e.task_id, t.name AS task_name, e.created_at, e.finished_at, e.result
               FROM executions e JOIN tasks t ON t.id = e.task_id
               WHERE e.user_id = f.user_id
                 AND (sqlc.narg(task_id)::uuid IS NULL OR e.task_id = sqlc.narg(task_id)::uuid)
                 AND e.status = 'success' AND e.result->>'notification' <> ''
               ORDER BY e.created_at DESC, e.id DESC
               LIMIT @max_rows::int
           ) x
       ), '[]'::jsonb)::jsonb AS entries
FROM feed_tokens f
JOIN users fu ON fu.id = f.user_id
LEFT JOIN tasks ft ON ft.id = sqlc.narg(task_id)::uuid AND ft.user_id = f.user_id
-- A deactivated account's feeds answer as an unknown token does, from the next poll on.
WHERE f.token_hash = @token_hash AND fu.deactivated_at IS NULL;
