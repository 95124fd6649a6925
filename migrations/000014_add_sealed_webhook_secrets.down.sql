-- Reverts 000014: secrets derive from the notify key again (a secret that was random is lost,
-- and its user must take the derived one) and custom webhook headers are gone.
DROP TABLE IF EXISTS webhook_headers;
ALTER TABLE user_webhooks DROP COLUMN IF EXISTS previous_sealed;
ALTER TABLE user_webhooks DROP COLUMN IF EXISTS secret_sealed;
