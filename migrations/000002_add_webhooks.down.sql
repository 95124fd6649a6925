-- Reverts 000002: the default webhooks, their secrets' salts and the disabled endpoints go.
DROP INDEX IF EXISTS notification_deliveries_user_channel_idx;
DROP TABLE IF EXISTS disabled_webhooks;
DROP TABLE IF EXISTS user_webhooks;
