-- Reverts 000023: a run's finish runs in an explicit transaction again.
DROP FUNCTION IF EXISTS torale_raise_conflict(text);
