-- Why: templates (issue 14). A user may keep their own task definitions to start new watches
-- from ("save as template"); the built-in gallery lives in the binary (shared/gallery), not
-- here. A template holds a definition only: never channels, context or anything secret. Only
-- adds a table (expand only).
CREATE TABLE task_templates (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                  text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description           text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    category              text NOT NULL DEFAULT 'custom' CHECK (char_length(category) BETWEEN 1 AND 40),
    search_query          text NOT NULL,
    condition_description text NOT NULL,
    schedule              text NOT NULL DEFAULT '',
    timezone              text NOT NULL DEFAULT 'UTC',
    notify_behavior       text NOT NULL DEFAULT 'once' CHECK (notify_behavior IN ('once', 'always')),
    depth                 text NOT NULL DEFAULT 'routine' CHECK (depth IN ('routine', 'deep')),
    created_at            timestamptz NOT NULL DEFAULT now()
);

-- A user's templates, newest first.
CREATE INDEX task_templates_user_idx ON task_templates (user_id, created_at DESC, id DESC);
