package alert

import (
	"context"
	"log/slog"
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// RunFinished follows a run of t whose final outcome is recorded: a failure that makes
// AfterFailures in a row opens a "failing" alert; a success closes the task's failing, overdue
// and spend-cap alerts and tells the owner; any finished run closes an overdue one. errText is
// the failed run's error as the user sees it.
func (s *Service) RunFinished(ctx context.Context, t task.Task, status task.Status, errText string) {
	ctx = context.WithoutCancel(ctx) // the outcome is recorded; follow it through
	switch status {
	case task.StatusSuccess:
		if err := s.resolve(ctx, t, task.RunCauses); err != nil {
			s.warn(ctx, "resolving alerts after a successful run", t, err)
		}
	case task.StatusFailed:
		if err := s.resolve(ctx, t, []task.AlertCause{task.AlertOverdue}); err != nil {
			s.warn(ctx, "resolving an overdue alert after a run", t, err)
		}
		n, err := s.store.FailureStreak(ctx, t.UserID, t.ID, s.cfg.AfterFailures)
		if err != nil {
			s.warn(ctx, "counting failed runs", t, err)
			return
		}
		if n < s.cfg.AfterFailures {
			return
		}
		if err := s.open(ctx, t, task.AlertFailing, failingWords(t, n, errText), false); err != nil {
			s.warn(ctx, "opening a failing alert", t, err)
		}
	}
}

// SpendCapped tells the owner that a run of t was not started because of the spend cap or the
// task's budget; reason says which, in plain words.
func (s *Service) SpendCapped(ctx context.Context, t task.Task, reason string) {
	ctx = context.WithoutCancel(ctx)
	if err := s.open(ctx, t, task.AlertSpendCap, spendWords(reason, s.now()), false); err != nil {
		s.warn(ctx, "opening a spend-cap alert", t, err)
	}
}

// CheckOverdue opens an "overdue" alert for every active task whose owed run is late by more
// than its expected gap: the gap between its cron's fires, or AgentGap when its agent picks
// when to run. A watch running on time has its next run ahead, so in steady state this is "no
// run finished for twice the gap". It returns how many tasks it found overdue.
func (s *Service) CheckOverdue(ctx context.Context) (int, error) {
	now := s.now()
	late, err := s.store.LateTasks(ctx, now.Add(-s.cfg.MinInterval), s.cfg.LateBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range late {
		if t.NextRunAt == nil {
			continue
		}
		gap := s.ExpectedGap(t, *t.NextRunAt)
		if now.Before(t.NextRunAt.Add(gap)) {
			continue
		}
		n++
		if err := s.open(ctx, t, task.AlertOverdue, overdueWords(t, gap), false); err != nil {
			return n, err
		}
	}
	if n > 0 {
		s.log.InfoContext(ctx, "overdue watches", slog.Int("overdue", n))
	}
	return n, nil
}

// ExpectedGap is how long t should wait between runs around at: its cron's gap between the
// fire after at and the next, or AgentGap when the agent picks its runs.
func (s *Service) ExpectedGap(t task.Task, at time.Time) time.Duration {
	if t.Schedule == "" {
		return s.cfg.AgentGap
	}
	c, err := task.ParseCron(t.Schedule, t.Timezone)
	if err != nil {
		return s.cfg.AgentGap
	}
	first := c.Next(at)
	return c.Next(first).Sub(first)
}
