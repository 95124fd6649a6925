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

-- name: RotateFeedToken :one
INSERT INTO feed_tokens (user_id, salt, token_hash, created_at) VALUES (@user_id, @salt, @token_hash, @now)
ON CONFLICT (user_id) DO UPDATE SET salt = EXCLUDED.salt, token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at
RETURNING *;

-- name: FeedTokenOwner :one
SELECT user_id, created_at FROM feed_tokens WHERE token_hash = @token_hash;
