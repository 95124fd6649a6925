-- name: CreateChannel :one
-- The count keeps a user under @max_per_user channels; none is inserted at the cap.
INSERT INTO channels (id, user_id, kind, name, settings, masked, for_alerts, is_default, created_at, updated_at)
SELECT @id, @user_id, @kind, @name, @settings, @masked, @for_alerts, @is_default, @now, @now
WHERE (SELECT count(*) FROM channels WHERE user_id = @user_id) < @max_per_user::int
RETURNING *;

-- name: ListChannels :many
SELECT * FROM channels WHERE user_id = @user_id ORDER BY created_at, id;

-- name: GetChannel :one
SELECT * FROM channels WHERE id = @id AND user_id = @user_id;

-- name: UpdateChannel :one
UPDATE channels SET name = @name, settings = @settings, masked = @masked, for_alerts = @for_alerts,
       is_default = @is_default, updated_at = @now
WHERE id = @id AND user_id = @user_id
RETURNING *;

-- name: DeleteChannel :execrows
DELETE FROM channels WHERE id = @id AND user_id = @user_id;

-- name: OwnedChannels :many
-- Which of @ids name channels of the user: a task may only point at its owner's channels.
SELECT id FROM channels WHERE user_id = @user_id AND id = ANY(@ids::uuid[]);

-- name: DefaultChannelIDs :many
SELECT id FROM channels WHERE user_id = @user_id AND is_default ORDER BY created_at, id;

-- name: AlertChannels :many
SELECT * FROM channels WHERE user_id = @user_id AND for_alerts ORDER BY created_at, id;
