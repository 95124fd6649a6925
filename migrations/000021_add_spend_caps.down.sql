-- Reverts 000021: no spend caps or task budgets.
DROP INDEX IF EXISTS executions_user_month_idx;
ALTER TABLE tasks DROP COLUMN IF EXISTS monthly_budget_usd;
ALTER TABLE users DROP COLUMN IF EXISTS monthly_spend_cap_usd;
