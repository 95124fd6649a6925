-- name: InsertTemplate :one
INSERT INTO task_templates (user_id, name, description, category, search_query, condition_description,
                            schedule, timezone, notify_behavior, depth)
VALUES (@user_id, @name, @description, @category, @search_query, @condition_description,
        @schedule, @timezone, @notify_behavior, @depth)
RETURNING *;

-- name: ListTemplates :many
-- A user's own templates, newest first; a user keeps few, so one page is all of them.
SELECT * FROM task_templates WHERE user_id = @user_id ORDER BY created_at DESC, id DESC LIMIT @max_rows;

-- name: GetTemplate :one
SELECT * FROM task_templates WHERE id = @id AND user_id = @user_id;

-- name: DeleteTemplate :execrows
DELETE FROM task_templates WHERE id = @id AND user_id = @user_id;

-- name: CountTemplates :one
SELECT count(*) FROM task_templates WHERE user_id = @user_id;
