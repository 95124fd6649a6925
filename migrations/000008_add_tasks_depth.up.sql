-- Why: deep runs (issue 13). A task may ask for several searches that refine each other instead
-- of one; the runner reads the depth to pick the run's deadline and where it runs (the deep-run
-- worker). Existing tasks keep the one-search run they had.
ALTER TABLE tasks ADD COLUMN depth text NOT NULL DEFAULT 'routine' CHECK (depth IN ('routine', 'deep'));
