-- Reverts 000007: the cause of each task's next run goes; next_run_at itself stays.
ALTER TABLE tasks DROP COLUMN IF EXISTS next_run_cause;
