-- name: TakeRateToken :one
-- Refills the bucket for the time since its last request (never negatively, so an instance whose
-- clock is behind takes nothing back), caps it at the burst, and takes one token when a whole one
-- is there. One statement: parallel requests on any instance serialise on the row, so the check
-- and the take cannot interleave. A new bucket starts full, less the token this request takes.
INSERT INTO rate_buckets AS b (action, subject, tokens, granted, updated_at)
VALUES (@action, @subject, sqlc.arg(burst)::float8 - 1, true, sqlc.arg(now)::timestamptz)
ON CONFLICT (action, subject) DO UPDATE SET
    tokens = least(sqlc.arg(burst)::float8, b.tokens
                 + greatest(0, extract(epoch FROM sqlc.arg(now)::timestamptz - b.updated_at))::float8 / sqlc.arg(every_seconds)::float8)
           - CASE WHEN least(sqlc.arg(burst)::float8, b.tokens
                 + greatest(0, extract(epoch FROM sqlc.arg(now)::timestamptz - b.updated_at))::float8 / sqlc.arg(every_seconds)::float8) >= 1
                  THEN 1 ELSE 0 END,
    granted = least(sqlc.arg(burst)::float8, b.tokens
                 + greatest(0, extract(epoch FROM sqlc.arg(now)::timestamptz - b.updated_at))::float8 / sqlc.arg(every_seconds)::float8) >= 1,
    updated_at = greatest(b.updated_at, sqlc.arg(now)::timestamptz)
RETURNING tokens, granted;

-- name: PruneRateBuckets :execrows
-- Deletes up to max_rows buckets untouched since idle_before. A bucket idle that long has refilled
-- completely, and a missing bucket starts full, so deleting it changes no limit; it only keeps the
-- table from growing with every client address the public routes ever saw.
DELETE FROM rate_buckets WHERE (action, subject) IN (
    SELECT action, subject FROM rate_buckets WHERE updated_at < @idle_before::timestamptz LIMIT @max_rows::int
);
