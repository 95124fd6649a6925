-- Why: the dashboard says why a task runs when it does (issue 12). What decided next_run_at is
-- known only at the moment it is set (the cron, the agent's proposal, a failed run, a claim),
-- so whoever sets next_run_at now writes its cause beside it, instead of the API guessing later.
-- Rows from before this migration get the best guess there is: a task that never ran was due to
-- run right away; one with a schedule follows it; one without was last set from the agent's run.
ALTER TABLE tasks ADD COLUMN next_run_cause text NOT NULL DEFAULT 'schedule'
    CHECK (next_run_cause IN ('schedule', 'gap', 'agent', 'agent_earliest', 'agent_latest', 'first_run',
                              'resumed', 'failed', 'claimed', 'retrying'));

UPDATE tasks SET next_run_cause = CASE
    WHEN last_run_at IS NULL THEN 'first_run'
    WHEN schedule <> '' THEN 'schedule'
    ELSE 'agent' END;
