-- Reverts 000008: every task goes back to routine runs.
ALTER TABLE tasks DROP COLUMN IF EXISTS depth;
