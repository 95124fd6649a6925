-- The sweep's claim skips a task whose scheduled run is unfinished (a fire claimed, running or
-- waiting for a retry), so a lost trigger or a dead attempt never becomes a second run beside the
-- first. This index answers that check per due task from the few unfinished rows alone.
CREATE INDEX executions_unfinished_schedule_idx ON executions (task_id)
    WHERE trigger = 'schedule' AND status IN ('pending', 'running', 'retrying');
