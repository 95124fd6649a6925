-- name: LockEmailSender :exec
-- One sender at a time per user and address, so that the count after it is exact.
SELECT pg_advisory_xact_lock(hashtextextended((sqlc.arg(user_id)::uuid)::text || lower(sqlc.arg(email)::text), 0));

-- name: RecentCodeTimes :many
SELECT created_at FROM email_verifications
WHERE user_id = @user_id AND lower(email) = lower(@email::text) AND created_at > @since::timestamptz ORDER BY created_at;

-- name: InsertEmailVerification :exec
INSERT INTO email_verifications (id, user_id, email, code_hash, expires_at, created_at)
VALUES (@id, @user_id, @email, @code_hash, @expires_at, @created_at);

-- name: OutstandingCodeForUpdate :one
SELECT * FROM email_verifications
WHERE user_id = @user_id AND lower(email) = lower(@email::text) AND verified_at IS NULL
ORDER BY created_at DESC LIMIT 1 FOR UPDATE;

-- name: CountCodeAttempt :exec
UPDATE email_verifications SET attempts = attempts + 1 WHERE id = @id;

-- name: DeleteVerifiedEmail :exec
DELETE FROM email_verifications WHERE user_id = @user_id AND lower(email) = lower(@email::text) AND verified_at IS NOT NULL;

-- name: MarkCodeVerified :exec
UPDATE email_verifications SET verified_at = @verified_at::timestamptz, attempts = attempts + 1 WHERE id = @id;

-- name: ListEmails :many
-- The sign-in address of a Clerk user, then the newest entry per address that is verified or
-- has a code outstanding.
SELECT u.email::text AS email, true AS verified, NULL::timestamptz AS verified_at, NULL::timestamptz AS code_expires_at, true AS account
FROM users u
WHERE u.id = @user_id AND u.external_id LIKE 'clerk:%' AND COALESCE(u.email, '') <> ''
UNION ALL
SELECT v.email, v.verified, v.verified_at, v.code_expires_at, v.account FROM (
    SELECT DISTINCT ON (lower(ev.email)) ev.email, ev.verified_at IS NOT NULL AS verified, ev.verified_at,
           CASE WHEN ev.verified_at IS NULL THEN ev.expires_at END AS code_expires_at, false AS account
      FROM email_verifications ev
     WHERE ev.user_id = @user_id AND (ev.verified_at IS NOT NULL OR ev.expires_at > @now::timestamptz)
     ORDER BY lower(ev.email), ev.verified_at IS NULL, ev.created_at DESC
) v
ORDER BY 5 DESC, 1;

-- name: EmailVerified :one
SELECT EXISTS (
    SELECT 1 FROM email_verifications WHERE user_id = @user_id AND lower(email) = lower(@email::text) AND verified_at IS NOT NULL
) OR EXISTS (
    SELECT 1 FROM users WHERE id = @user_id AND external_id LIKE 'clerk:%' AND lower(users.email) = lower(@email::text)
);

-- name: DeleteEmail :execrows
DELETE FROM email_verifications WHERE user_id = @user_id AND lower(email) = lower(@email::text);

-- name: MarkEmailVerified :exec
-- A no-op when the address is already verified.
INSERT INTO email_verifications (user_id, email, code_hash, expires_at, verified_at)
SELECT @user_id::uuid, lower(@email::text), '\x'::bytea, @at::timestamptz, @at::timestamptz
WHERE NOT EXISTS (SELECT 1 FROM email_verifications
    WHERE user_id = @user_id::uuid AND lower(email) = lower(@email::text) AND verified_at IS NOT NULL);
