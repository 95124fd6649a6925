-- A user's feed token makes their Atom and JSON feeds readable without an account. The token is
-- derived from the notify key and the salt (so GET /api/v1/feed can show it again without it
-- being stored); only its SHA-256 is kept, to find the user a feed URL names. Rotating writes a
-- new salt and hash, so the old URLs stop working at once.
CREATE TABLE feed_tokens (
    user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    salt       bytea NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
