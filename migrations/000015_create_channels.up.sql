-- Why: chat and push channels (issue 15). A channel is one place a user is told things (a Slack
-- webhook, a Telegram chat, an ntfy topic): its kind, a name, and its settings sealed as one
-- JSON value (shared/sealed, bound to "channel/<user id>/<channel id>"), so a bot token or a
-- webhook URL with its key is never stored in the clear. masked is what the API shows after
-- saving: plain values of ordinary fields, secret ones masked. Tasks name channels by id, so no
-- secret sits in a task's JSON; {"type":"channel"} without an id means every channel marked
-- is_default. for_alerts marks where failure alerts go.
CREATE TABLE channels (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    settings   text NOT NULL CHECK (length(settings) <= 20000),
    masked     jsonb NOT NULL DEFAULT '{}',
    for_alerts boolean NOT NULL DEFAULT false,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- The outbox learns the new channel type; its target is the channel's id ('' for a task's
-- default channels when none is marked). The old check is replaced by a wider one, added NOT
-- VALID and validated after, so the table is not locked while its rows are checked.
-- contract: the check on notification_deliveries.channel is dropped only to add a wider one in
-- the same migration; every value an older build writes ('email', 'webhook') still passes. So
-- is the one-row-per-run-and-channel key: a run now has a row per saved channel it tells, so
-- the key takes the target too, which every row an older build writes still satisfies.
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_channel_check;
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel_check
    CHECK (channel IN ('email', 'webhook', 'channel')) NOT VALID;
ALTER TABLE notification_deliveries VALIDATE CONSTRAINT notification_deliveries_channel_check;

CREATE UNIQUE INDEX notification_deliveries_execution_channel_target_key
    ON notification_deliveries (execution_id, channel, target);
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_execution_id_channel_key;
