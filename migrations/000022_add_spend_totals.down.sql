-- Reverts 000022: spend is summed from the month's executions again.
ALTER TABLE tasks DROP COLUMN IF EXISTS spend_month_paid_runs, DROP COLUMN IF EXISTS spend_month_usd,
                  DROP COLUMN IF EXISTS spend_month;
ALTER TABLE users DROP COLUMN IF EXISTS spend_month_usd, DROP COLUMN IF EXISTS spend_month;
