-- Reverts 000019. Redeliveries go first, so the original uniqueness can come back.
DELETE FROM notification_deliveries WHERE redelivery_of IS NOT NULL;
DROP INDEX IF EXISTS task_memory_user_idx;
DROP INDEX IF EXISTS executions_user_idx;
DROP INDEX IF EXISTS notification_deliveries_redelivery_idx;
DROP INDEX IF EXISTS notification_deliveries_execution_idx;
DROP INDEX IF EXISTS notification_deliveries_original_idx;
ALTER TABLE notification_deliveries DROP COLUMN IF EXISTS redelivery_of;
CREATE UNIQUE INDEX IF NOT EXISTS notification_deliveries_execution_channel_target_key
    ON notification_deliveries (execution_id, channel, target);
DROP TABLE IF EXISTS admin_actions;
ALTER TABLE users DROP COLUMN IF EXISTS deactivated_at;
