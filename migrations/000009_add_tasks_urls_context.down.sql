-- Reverts 000009: the pages a task reads and its background go.
ALTER TABLE tasks DROP COLUMN IF EXISTS context;
ALTER TABLE tasks DROP COLUMN IF EXISTS urls;
