-- Notifications (issue 6): each user's default webhook and its signing secret, and the webhook
-- URLs Torale stopped posting to because they answered 410 Gone.
--
-- Signing secrets are not stored. A secret is derived from the deployment's key
-- (TORALE_NOTIFY_SECRET) and a random salt kept here, so a copy of the database alone cannot
-- forge a signature. Rotating draws a new salt; the previous one keeps signing until
-- previous_expires_at (24 hours), so receivers can switch without dropping deliveries.
CREATE TABLE user_webhooks (
    user_id             uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- url is the default endpoint for tasks whose webhook notification names none; '' is unset.
    url                 text NOT NULL DEFAULT '' CHECK (length(url) <= 2048),
    enabled             boolean NOT NULL DEFAULT false,
    secret_salt         bytea NOT NULL CHECK (length(secret_salt) = 16),
    previous_salt       bytea CHECK (length(previous_salt) = 16),
    previous_expires_at timestamptz,
    rotated_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((previous_salt IS NULL) = (previous_expires_at IS NULL))
);

-- An endpoint that answered 410 Gone is disabled for its user until they enable it again; every
-- delivery to it fails at once with the reason, which the user sees in the delivery log.
CREATE TABLE disabled_webhooks (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (length(url) <= 2048),
    reason      text NOT NULL CHECK (length(reason) <= 500),
    disabled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, url)
);

-- The webhook delivery log lists one user's deliveries on one channel, newest first.
CREATE INDEX notification_deliveries_user_channel_idx
    ON notification_deliveries (user_id, channel, created_at DESC, id DESC);
