-- Why: change-mode watches (issue 14). A task either asks the agent (the default, what every
-- task before this did) or compares the readable text of its pages with the last read, which
-- needs no model. page_snapshots keeps, per task and page, the last text and the validators
-- that make the next read conditional. Both only add (expand only): builds that do not know
-- the column keep creating agent-mode tasks through its default.
ALTER TABLE tasks ADD COLUMN mode text NOT NULL DEFAULT 'agent' CHECK (mode IN ('agent', 'change'));

CREATE TABLE page_snapshots (
    task_id       uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    url           text NOT NULL,
    text          text NOT NULL,
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (task_id, url)
);
