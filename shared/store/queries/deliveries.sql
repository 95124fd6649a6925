-- name: ClaimDueDeliveries :many
WITH due AS (
    SELECT id AS due_id FROM notification_deliveries
    WHERE status = 'pending' AND next_attempt_at <= @now::timestamptz
    ORDER BY next_attempt_at
    LIMIT @max_rows::int
    FOR UPDATE SKIP LOCKED
)
UPDATE notification_deliveries d SET next_attempt_at = @lease_until::timestamptz, attempts = d.attempts + 1
FROM due WHERE d.id = due.due_id
RETURNING d.*;

-- name: ClaimDelivery :one
UPDATE notification_deliveries SET next_attempt_at = @lease_until, attempts = attempts + 1
WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now::timestamptz
RETURNING *;

-- name: InsertAttempt :exec
INSERT INTO delivery_attempts (delivery_id, attempted_at, ok, response_code, latency_ms, error)
VALUES (@delivery_id, @attempted_at, @ok, sqlc.narg(response_code), @latency_ms, NULLIF(@error::text, ''));

-- name: SettleDelivery :exec
-- Only the claim that made this attempt (its attempts count) may move the delivery on.
UPDATE notification_deliveries SET status = @status, next_attempt_at = @next_attempt_at,
       last_error = NULLIF(@error::text, ''),
       delivered_at = CASE WHEN @status = 'delivered' THEN @at::timestamptz END
WHERE id = @id AND attempts = @attempts AND status = 'pending';

-- name: ListDeliveries :many
SELECT * FROM notification_deliveries WHERE execution_id = @execution_id AND user_id = @user_id ORDER BY channel;

-- name: DeliveriesOf :many
SELECT * FROM notification_deliveries WHERE user_id = @user_id AND execution_id = ANY(@execution_ids::uuid[]) ORDER BY channel;

-- name: DueDeliveries :many
SELECT id FROM notification_deliveries
WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @max_rows;

-- name: ListDeliveryLog :many
SELECT sqlc.embed(d), COALESCE((SELECT t.name FROM tasks t WHERE t.id = d.task_id), '')::text AS task_name
FROM notification_deliveries d
WHERE d.user_id = @user_id AND d.channel = @channel AND (sqlc.narg(task_id)::uuid IS NULL OR d.task_id = sqlc.narg(task_id)::uuid)
  AND (sqlc.narg(after_at)::timestamptz IS NULL OR (d.created_at, d.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY d.created_at DESC, d.id DESC LIMIT @max_rows;

-- name: AttemptsOf :many
SELECT delivery_id, attempted_at, ok, response_code, latency_ms, COALESCE(error, '')::text AS error
FROM delivery_attempts WHERE delivery_id = ANY(@delivery_ids::uuid[]) ORDER BY attempted_at, id;

-- name: DeliveredSince :one
SELECT count(*) FROM notification_deliveries
WHERE user_id = @user_id AND channel = @channel AND status = 'delivered' AND delivered_at > @since::timestamptz;

-- name: UnpublishedDeliveries :many
SELECT id FROM notification_deliveries
WHERE status = 'pending' AND published_at IS NULL AND created_at < @before
ORDER BY created_at LIMIT @max_rows;

-- name: MarkPublished :exec
UPDATE notification_deliveries SET published_at = @at::timestamptz WHERE id = ANY(@ids::uuid[]) AND published_at IS NULL;
