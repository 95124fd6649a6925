-- name: GetPublicTask :one
-- A public watch by its slug; a private one, or one of a deactivated account, is no row at all.
SELECT * FROM tasks
WHERE public_slug = @slug AND public
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = tasks.user_id AND u.deactivated_at IS NOT NULL);

-- name: ListPublicTasks :many
-- Explore: public watches, most recently published first, a page at a time.
SELECT * FROM tasks
WHERE public
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = tasks.user_id AND u.deactivated_at IS NOT NULL)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (published_at, public_slug) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_slug)::text))
ORDER BY published_at DESC, public_slug DESC
LIMIT @max_rows;

-- name: SearchPublicTasks :many
-- Explore's search: the expression is tasks_public_search_idx's, so the index answers it.
SELECT * FROM tasks
WHERE public
  AND to_tsvector('english', name || ' ' || search_query || ' ' || condition_description) @@ websearch_to_tsquery('english', @query::text)
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = tasks.user_id AND u.deactivated_at IS NOT NULL)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (published_at, public_slug) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_slug)::text))
ORDER BY published_at DESC, public_slug DESC
LIMIT @max_rows;

-- name: PublicResults :many
-- A public watch's newest finished runs with a result since it was last published, for its page
-- and feed: only what the public view shows is read. Runs from before the publish stay private
-- (they may have been written with a context the owner cleared to publish).
SELECT id, created_at, finished_at, result FROM executions
WHERE task_id = @task_id AND status = 'success' AND result IS NOT NULL AND created_at >= @since::timestamptz
ORDER BY created_at DESC, id DESC
LIMIT @max_rows;
