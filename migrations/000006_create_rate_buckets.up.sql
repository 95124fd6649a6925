-- Why: the API's rate limits were token buckets in each process's memory, so on Cloud Run the
-- real limit grew with the number of instances. The buckets now live here, one row per
-- (action, subject), refilled and taken in the one statement that checks them
-- (queries/ratelimit.sql), so every instance draws from the same budget.
-- UNLOGGED: a bucket is worth nothing after a crash or a failover (an empty table means every
-- bucket is full, which is how a new user starts), and skipping the WAL keeps a limited request
-- to one cheap write. There is no foreign key: the subject is a user id, and a bucket of a
-- deleted user is harmless and tiny.
CREATE UNLOGGED TABLE rate_buckets (
    action     text        NOT NULL,
    subject    uuid        NOT NULL,
    -- tokens is what was left after the last request, as of updated_at; refills are computed.
    tokens     double precision NOT NULL,
    -- granted says whether the last request took a token (what the statement returns).
    granted    boolean     NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (action, subject)
);
