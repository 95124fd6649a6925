-- name: PageSnapshot :one
SELECT s.text, s.etag, s.last_modified, s.updated_at FROM page_snapshots s
JOIN tasks t ON t.id = s.task_id
WHERE s.task_id = @task_id AND t.user_id = @user_id AND s.url = @url;

-- name: SavePageSnapshot :execrows
-- Only the task's own rows: the task must still belong to the user.
INSERT INTO page_snapshots (task_id, url, text, etag, last_modified, updated_at)
SELECT t.id, @url, @text, @etag, @last_modified, @now::timestamptz FROM tasks t
WHERE t.id = @task_id AND t.user_id = @user_id
ON CONFLICT (task_id, url) DO UPDATE SET text = EXCLUDED.text, etag = EXCLUDED.etag,
    last_modified = EXCLUDED.last_modified, updated_at = EXCLUDED.updated_at;
