-- Why: admin actions and replayed deliveries (issues 14 and 15).
--
-- A deactivated user keeps every row but can no longer sign in: the statements that
-- authenticate (queries/users.sql, UserByExternalID, UpsertUser and LookupAPIKey) read
-- deactivated_at themselves, so a deactivation holds at once on every instance.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;

-- Every admin action, with who did it and to whom. The ids go null when either account is
-- deleted, so the log outlives them without keeping a deleted user's data; detail holds what
-- the action needs to be undone (the tasks a deactivation paused).
CREATE TABLE admin_actions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    actor_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    target_id  uuid REFERENCES users (id) ON DELETE SET NULL,
    action     text NOT NULL CHECK (action IN ('deactivate', 'reactivate', 'grant_admin', 'revoke_admin')),
    detail     jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_actions_created_idx ON admin_actions (created_at DESC, id DESC);
CREATE INDEX admin_actions_target_idx ON admin_actions (target_id, created_at DESC);
CREATE INDEX admin_actions_actor_idx ON admin_actions (actor_id);

-- A redelivery is a new outbox row for the same run, channel and target, pointing at the row it
-- replays. One original row per run, channel and target stays unique, as before, through a
-- partial index; the full keys, which forbade the replay, go.
-- contract: dropping the unique keys only widens what may be written; no query names them as
-- an ON CONFLICT target, and the partial index keeps older builds' guarantee (they write
-- originals only, redelivery_of null).
ALTER TABLE notification_deliveries
    ADD COLUMN redelivery_of uuid REFERENCES notification_deliveries (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX notification_deliveries_original_idx
    ON notification_deliveries (execution_id, channel, target) WHERE redelivery_of IS NULL;
-- The constraint's index served every lookup of a run's deliveries (and the cascade from
-- executions); this one takes over before it goes.
CREATE INDEX notification_deliveries_execution_idx ON notification_deliveries (execution_id);
ALTER TABLE notification_deliveries DROP CONSTRAINT IF EXISTS notification_deliveries_execution_id_channel_key;
DROP INDEX IF EXISTS notification_deliveries_execution_channel_target_key;
CREATE INDEX notification_deliveries_redelivery_idx ON notification_deliveries (redelivery_of)
    WHERE redelivery_of IS NOT NULL;

-- A user's export reads all their runs and remembered facts in pages, and deleting an account
-- cascades to both by user_id: without these, each would read the whole table.
-- It carries cost_usd too, so a user's month's spend (every run checks it against the cap,
-- 000021) is summed from the index alone.
CREATE INDEX executions_user_idx ON executions (user_id, created_at, id) INCLUDE (cost_usd);
CREATE INDEX task_memory_user_idx ON task_memory (user_id, created_at, id);
