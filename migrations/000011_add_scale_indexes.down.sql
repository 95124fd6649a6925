DROP INDEX IF EXISTS tasks_last_execution_idx;
DROP INDEX IF EXISTS task_memory_execution_idx;
DROP INDEX IF EXISTS executions_retention_idx;
DROP INDEX IF EXISTS executions_notified_idx;
