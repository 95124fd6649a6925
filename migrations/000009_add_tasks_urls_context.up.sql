-- Why: a watch may list pages to read on every run and carry background the agent should know
-- (issue 14). Both default to empty, so tasks from before keep running as they did and builds
-- that do not know the columns keep working (expand only).
ALTER TABLE tasks ADD COLUMN urls text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(urls) <= 10);
ALTER TABLE tasks ADD COLUMN context text NOT NULL DEFAULT ''
    CHECK (char_length(context) <= 4000);
