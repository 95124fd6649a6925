-- Reverts 000015: no chat channels; their outbox rows go with them.
DELETE FROM notification_deliveries WHERE channel = 'channel';
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_channel_check;
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel_check
    CHECK (channel IN ('email', 'webhook'));
DROP INDEX notification_deliveries_execution_channel_target_key;
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_execution_id_channel_key
    UNIQUE (execution_id, channel);
DROP TABLE channels;
