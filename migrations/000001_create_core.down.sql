-- Undo the core schema, newest dependants first.
DROP TABLE IF EXISTS email_verifications;
DROP TABLE IF EXISTS task_memory;
DROP TABLE IF EXISTS delivery_attempts;
DROP TABLE IF EXISTS notification_deliveries;
ALTER TABLE IF EXISTS tasks DROP CONSTRAINT IF EXISTS tasks_last_execution_id_fkey;
DROP TABLE IF EXISTS executions;
DROP TABLE IF EXISTS tasks;
DROP TABLE IF EXISTS api_keys;
DROP TABLE IF EXISTS users;
