-- name: ClaimDueDeliveries :many
-- Fair across users: of the oldest @scan_rows due rows of users not in @skip_users (those whose
-- share of this notifier is full), at most @per_user of each user's are taken, users taking
-- turns, so one user's backlog cannot fill the batch. The scanned rows are locked for the
-- statement (SKIP LOCKED), so concurrent claims scan disjoint rows.
WITH due AS (
    SELECT id AS due_id, user_id, next_attempt_at FROM notification_deliveries
    WHERE status = 'pending' AND next_attempt_at <= @now::timestamptz
      AND NOT (user_id = ANY(COALESCE(@skip_users::uuid[], '{}')))
    ORDER BY next_attempt_at
    LIMIT @scan_rows::int
    FOR UPDATE SKIP LOCKED
), fair AS (
    SELECT due_id FROM (
        SELECT due_id, next_attempt_at, row_number() OVER (PARTITION BY user_id ORDER BY next_attempt_at) AS turn FROM due
    ) ranked
    WHERE turn <= @per_user::int
    ORDER BY turn, next_attempt_at
    LIMIT @max_rows::int
)
UPDATE notification_deliveries d SET next_attempt_at = @lease_until::timestamptz, attempts = d.attempts + 1
FROM fair WHERE d.id = fair.due_id
RETURNING d.*;

-- name: ClaimDelivery :one
-- A user in @skip_users has a full share of this notifier: the row stays due for a later pass.
UPDATE notification_deliveries SET next_attempt_at = @lease_until, attempts = attempts + 1
WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now::timestamptz
  AND NOT (user_id = ANY(COALESCE(@skip_users::uuid[], '{}')))
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
-- Users take turns (each one's oldest first), so one user's backlog cannot fill the list.
SELECT id FROM (
    SELECT id, next_attempt_at, row_number() OVER (PARTITION BY user_id ORDER BY next_attempt_at) AS turn
    FROM notification_deliveries
    WHERE status = 'pending' AND next_attempt_at <= @now::timestamptz
) ranked
ORDER BY turn, next_attempt_at LIMIT @max_rows::int;

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
