-- Reverts 000012: change mode's snapshots and the mode column go.
DROP TABLE IF EXISTS page_snapshots;
ALTER TABLE tasks DROP COLUMN IF EXISTS mode;
