-- Why: cost that stays flat as data grows (issue 16). Every run's spend check and every task
-- list summed the month's executions (a user with 50 hourly watches has 36,000 a month), so
-- both grew with the month. Running totals for the month, kept by the run's finish, make each
-- one row read. spend_month is the calendar month (UTC) the totals are for: a total from an
-- earlier month reads as 0 and is restarted by the month's first paid run.
ALTER TABLE users ADD COLUMN spend_month date,
                  ADD COLUMN spend_month_usd double precision NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN spend_month date,
                  ADD COLUMN spend_month_usd double precision NOT NULL DEFAULT 0,
                  ADD COLUMN spend_month_paid_runs integer NOT NULL DEFAULT 0;

-- This month's totals from the runs already recorded (by when they were created, as the sums
-- read them); from now on each run's cost counts in the month it finishes.
WITH month AS (SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date AS d),
spent AS (
    SELECT e.task_id, e.user_id, SUM(e.cost_usd)::float8 AS total, count(*) FILTER (WHERE e.cost_usd > 0)::int AS paid
    FROM executions e, month
    WHERE e.created_at >= month.d::timestamp AT TIME ZONE 'UTC'
    GROUP BY e.task_id, e.user_id
)
UPDATE tasks t SET spend_month = month.d, spend_month_usd = spent.total, spend_month_paid_runs = spent.paid
FROM spent, month WHERE t.id = spent.task_id AND t.user_id = spent.user_id;

WITH month AS (SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date AS d),
spent AS (
    SELECT e.user_id, SUM(e.cost_usd)::float8 AS total
    FROM executions e, month
    WHERE e.created_at >= month.d::timestamp AT TIME ZONE 'UTC'
    GROUP BY e.user_id
)
UPDATE users u SET spend_month = month.d, spend_month_usd = spent.total
FROM spent, month WHERE u.id = spent.user_id;
