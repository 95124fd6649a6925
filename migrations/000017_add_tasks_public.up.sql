-- Why: public watches (issue 14). An owner may publish a watch: a read-only page, API view and
-- feed at a slug, and a fork for signed-in users. The slug is made once, at the first publish,
-- and kept (links stay stable through renames and a private spell); `public` is what the public
-- routes read, so making a watch private hides it at once. public_context_ok records that the
-- owner confirmed the watch's private context may shape its public results. Only adds columns
-- with defaults and partial indexes (expand only): builds that do not know them keep working,
-- and their tasks stay private.
ALTER TABLE tasks ADD COLUMN public boolean NOT NULL DEFAULT false;
ALTER TABLE tasks ADD COLUMN public_slug text UNIQUE
    CHECK (public_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(public_slug) <= 80);
ALTER TABLE tasks ADD COLUMN public_context_ok boolean NOT NULL DEFAULT false;
ALTER TABLE tasks ADD COLUMN published_at timestamptz;
-- contract: no older build writes public (it defaults to false), so none can break this check.
ALTER TABLE tasks ADD CONSTRAINT tasks_public_has_slug CHECK (NOT public OR (public_slug IS NOT NULL AND published_at IS NOT NULL));

-- The Explore list: public watches, most recently published first. The slug breaks ties (and
-- is the cursor's second half) rather than the id, which the public never sees.
CREATE INDEX tasks_public_list_idx ON tasks (published_at DESC, public_slug DESC) WHERE public;

-- Explore's search: the words of a public watch's name, query and condition. The expression is
-- the one queries/public.sql searches with, so the planner can use the index.
CREATE INDEX tasks_public_search_idx ON tasks
    USING gin (to_tsvector('english', name || ' ' || search_query || ' ' || condition_description))
    WHERE public;
