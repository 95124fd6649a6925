-- Reverts 000020: no alerts, and outbox rows belong to runs again.
DELETE FROM notification_deliveries WHERE alert_id IS NOT NULL;
DROP INDEX IF EXISTS notification_deliveries_alert_idx;
ALTER TABLE notification_deliveries DROP COLUMN IF EXISTS alert_phase;
ALTER TABLE notification_deliveries DROP COLUMN IF EXISTS alert_id;
ALTER TABLE notification_deliveries ALTER COLUMN execution_id SET NOT NULL;
DROP TABLE IF EXISTS alerts;
UPDATE executions SET silence_reason = 'failed' WHERE silence_reason = 'spend_cap';
ALTER TABLE executions DROP CONSTRAINT IF EXISTS executions_silence_reason_check;
ALTER TABLE executions ADD CONSTRAINT executions_silence_reason_check CHECK (silence_reason IN (
    'nothing_new', 'condition_not_met', 'low_confidence', 'unsourced', 'already_reported', 'failed',
    'unchanged', 'filtered', 'page_failed'));
