-- Why: dispatch latency (issue 16). A run's finish sends its statements in one batch with no
-- BEGIN or COMMIT: one round trip instead of four, on every run. The batch is one implicit
-- transaction, which commits unless a statement fails on the server; so the statement that
-- finds the attempt no longer running (superseded by a retry, or reaped) fails with this, and
-- nothing after it in the batch is kept. SQLSTATE TR409 is the store's conflict.
CREATE OR REPLACE FUNCTION torale_raise_conflict(message text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'TR409', MESSAGE = message;
END
$$;
