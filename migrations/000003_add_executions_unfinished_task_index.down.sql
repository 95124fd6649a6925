DROP INDEX IF EXISTS executions_unfinished_schedule_idx;
