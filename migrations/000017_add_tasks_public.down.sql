-- Reverts 000017: every watch is private again and slugs are forgotten.
DROP INDEX IF EXISTS tasks_public_search_idx;
DROP INDEX IF EXISTS tasks_public_list_idx;
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_public_has_slug;
ALTER TABLE tasks DROP COLUMN IF EXISTS published_at;
ALTER TABLE tasks DROP COLUMN IF EXISTS public_context_ok;
ALTER TABLE tasks DROP COLUMN IF EXISTS public_slug;
ALTER TABLE tasks DROP COLUMN IF EXISTS public;
