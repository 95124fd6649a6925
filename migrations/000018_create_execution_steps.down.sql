-- Reverts 000018: runs no longer keep their trail or the findings their decisions saw.
DROP TABLE IF EXISTS findings;
DROP TABLE IF EXISTS execution_steps;
