-- Why: silence explained (issue 15). A finished run that notified nobody records why, in a word
-- a program can read, beside the evidence's sentence; a summary over a task's recent runs counts
-- them. Runs from before have no reason (null), as do runs that notified or have not finished.
-- The last three reasons belong to change-mode watches.
ALTER TABLE executions ADD COLUMN silence_reason text CHECK (silence_reason IN (
    'nothing_new', 'condition_not_met', 'low_confidence', 'unsourced', 'already_reported', 'failed',
    'unchanged', 'filtered', 'page_failed'));
