-- Why: failure alerts (issue 15). When a watch keeps failing, stops running, or is held back by
-- its spend cap, and when a webhook endpoint is disabled or keeps failing, its owner is told
-- once, and told again when it recovers. An alert is a row here; its messages are outbox rows
-- (notification_deliveries) that name the alert instead of a run, so they are sent, retried and
-- logged like every notification.
-- contract: the unique index on notification_deliveries covers only the new alert_id column,
-- which older builds never write (null, so never equal); the silence_reason check is replaced by
-- a wider one (one more reason, 'spend_cap'), which accepts every value older builds write.

CREATE TABLE alerts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    -- cause is what went wrong, in a word a program reads; message and advice say it in plain
    -- words and say what to do.
    cause       text NOT NULL CHECK (cause IN ('failing', 'overdue', 'spend_cap', 'webhook_gone', 'webhook_failing')),
    message     text NOT NULL CHECK (length(message) <= 2000),
    advice      text NOT NULL CHECK (length(advice) <= 2000),
    opened_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
-- No alert storms: at most one open alert per task and cause; opening another does nothing.
CREATE UNIQUE INDEX alerts_open_idx ON alerts (task_id, cause) WHERE resolved_at IS NULL;
-- GET /api/v1/alerts lists one user's alerts, newest first.
CREATE INDEX alerts_user_idx ON alerts (user_id, opened_at DESC, id DESC);
-- A webhook that works again closes its user's open endpoint alerts, on every good delivery.
CREATE INDEX alerts_user_open_idx ON alerts (user_id) WHERE resolved_at IS NULL;

-- An alert's messages: phase 'opened' tells the owner, 'resolved' tells them it is over.
ALTER TABLE notification_deliveries ALTER COLUMN execution_id DROP NOT NULL;
ALTER TABLE notification_deliveries ADD COLUMN alert_id uuid REFERENCES alerts (id) ON DELETE CASCADE;
ALTER TABLE notification_deliveries ADD COLUMN alert_phase text CHECK (alert_phase IN ('opened', 'resolved'));
CREATE UNIQUE INDEX notification_deliveries_alert_idx
    ON notification_deliveries (alert_id, alert_phase, channel, target) WHERE alert_id IS NOT NULL;

-- A run the spend cap held back records why it stayed silent.
ALTER TABLE executions DROP CONSTRAINT IF EXISTS executions_silence_reason_check;
ALTER TABLE executions ADD CONSTRAINT executions_silence_reason_check CHECK (silence_reason IN (
    'nothing_new', 'condition_not_met', 'low_confidence', 'unsourced', 'already_reported', 'failed',
    'unchanged', 'filtered', 'page_failed', 'spend_cap'));
