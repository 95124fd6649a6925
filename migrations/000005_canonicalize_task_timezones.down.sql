-- Reverts 000005 as far as it can: the aliases it replaced were not kept, and every canonical
-- name is accepted by the code before it as well, so nothing needs undoing.
SELECT 1;
