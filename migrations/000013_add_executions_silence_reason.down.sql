-- Reverts 000013: runs no longer say why they stayed silent.
ALTER TABLE executions DROP COLUMN IF EXISTS silence_reason;
