-- Why: the run's trail (issue 14). Each run records its steps in order (searches, page reads,
-- model calls, the decision, retries) so it can be explained; and the findings the decision
-- saw (search report, snippets, page text), so it can later be replayed.
--
-- Steps live beside executions, one row per run, not in a column of executions: the lists of
-- runs (SELECT * over executions) never read them, only one run's view does, and a deleted
-- run takes its trail with it. A retried run appends each attempt's steps to the same row.
CREATE TABLE execution_steps (
    execution_id   uuid PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
    steps          jsonb NOT NULL DEFAULT '[]',
    -- The findings the last attempt's decision saw, in order, by content hash (findings.hash).
    -- A hash whose finding has expired is simply not found.
    finding_hashes bytea[] NOT NULL DEFAULT '{}'
);

-- A finding is stored once per content hash (sha-256 of its JSON), however many runs saw it:
-- a watched page that does not change is one row. seen_at is the last run that saw it; the
-- tick deletes findings unseen for TORALE_FINDINGS_RETENTION, oldest first, in batches.
CREATE TABLE findings (
    hash    bytea PRIMARY KEY,
    body    jsonb NOT NULL,
    seen_at timestamptz NOT NULL
);
CREATE INDEX findings_seen_at_idx ON findings (seen_at);
