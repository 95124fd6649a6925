-- Why: webhook signing secrets and custom webhook headers are stored sealed (issue 14).
--
-- A signing secret used to be derived from TORALE_NOTIFY_SECRET and secret_salt, so changing
-- that key changed every user's secret. With TORALE_SECRET_KEYS set, the secret is stored
-- sealed (AES-256-GCM, "<key id>.<ciphertext>", package shared/sealed) in secret_sealed: a
-- secret still derived is derived once more and sealed on first use (so nobody's secret
-- changes), and new or rotated secrets are random. previous_sealed is the secret a rotation
-- replaced, while it still signs (previous_expires_at). Null means "derived from the salt". The
-- salts stay written, so builds before this one (which ignore these columns) keep working; for a
-- secret made random by this build they sign with the derived one until they are replaced, and
-- the receiver's refusal makes the delivery retry, under this build.
ALTER TABLE user_webhooks ADD COLUMN secret_sealed text;
ALTER TABLE user_webhooks ADD COLUMN previous_sealed text;

-- Custom headers sent with every delivery to the user's webhook (at most 10, a limit the store
-- enforces). The name is the canonical HTTP form; the value is sealed and never shown in full.
CREATE TABLE webhook_headers (
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    value_sealed text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, name)
);
