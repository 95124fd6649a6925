-- Why: money per watch, and a ceiling (issue 16). A user's runs stop for the month once their
-- model spend reaches a cap (the platform's, TORALE_MONTHLY_SPEND_CAP_USD, unless an admin set
-- theirs here), and a task may carry its own monthly budget. Null means "no own limit".
ALTER TABLE users ADD COLUMN monthly_spend_cap_usd numeric(10, 2) CHECK (monthly_spend_cap_usd >= 0);
ALTER TABLE tasks ADD COLUMN monthly_budget_usd numeric(10, 2) CHECK (monthly_budget_usd > 0);

-- Every run checks the user's spend this month: executions_user_idx (000019) answers it, one
-- index range summed from the index alone (it includes cost_usd).
