// Package budget keeps model spend under its ceilings: each user's monthly cap (the platform's,
// or one an admin set for them) and a task's own monthly budget. A run that would go past
// either is not started; the runner records why and the owner is alerted.
package budget

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store reads what was spent and the user's own cap.
type Store interface {
	UserMonthSpend(ctx context.Context, userID uuid.UUID, now time.Time) (spent float64, capUSD *float64, err error)
	TaskMonthUsage(ctx context.Context, userID, taskID uuid.UUID, now time.Time) (store.TaskUsage, error)
}

// Guard decides whether a run may start. It is safe for concurrent use.
type Guard struct {
	store Store
	// capUSD is the platform's monthly cap per user (TORALE_MONTHLY_SPEND_CAP_USD); 0 is none.
	capUSD float64
	now    func() time.Time
}

// New returns a guard with the platform's cap (0: users without their own cap have none).
func New(s Store, platformCapUSD float64, now func() time.Time) *Guard {
	return &Guard{store: s, capUSD: platformCapUSD, now: now}
}

// Spend is a user's model spend this calendar month (UTC) against their cap.
type Spend struct {
	SpentUSD float64
	// CapUSD is the cap that applies, 0 when there is none; Own says an admin set it for the
	// user rather than the platform.
	CapUSD float64
	Own    bool
	// MonthStart and MonthEnd bound the month the figures are for.
	MonthStart, MonthEnd time.Time
}

// UserSpend returns the user's spend this month against their cap.
func (g *Guard) UserSpend(ctx context.Context, userID uuid.UUID) (Spend, error) {
	now := g.now()
	spent, own, err := g.store.UserMonthSpend(ctx, userID, now)
	if err != nil {
		return Spend{}, err
	}
	s := Spend{SpentUSD: spent, CapUSD: g.capUSD}
	if own != nil {
		s.CapUSD, s.Own = *own, true
	}
	s.MonthStart = time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	s.MonthEnd = s.MonthStart.AddDate(0, 1, 0)
	return s, nil
}

// Check says, in plain words, why a run of t may not start now, or "" when it may. A run
// "would exceed" a ceiling when what was spent this month, plus what the task's runs cost on
// average this month, passes it: a ceiling is never crossed by more than about one run. It
// weighs the spend the gate read with t (t.RunReads) when there is one, else reads it in one
// statement: it runs before every run.
// Change-mode watches call no model, so nothing holds them back.
func (g *Guard) Check(ctx context.Context, t task.Task) (string, error) {
	if t.Mode == task.ModeChange {
		return "", nil
	}
	usage, err := g.usage(ctx, t)
	if err != nil {
		return "", err
	}
	var next float64 // what this run is likely to cost
	if usage.PaidRuns > 0 {
		next = usage.SpentUSD / float64(usage.PaidRuns)
	}
	if b := t.MonthlyBudgetUSD; b != nil && *b > 0 && over(usage.SpentUSD, next, *b) {
		return fmt.Sprintf("Not run: this watch's model spend this month (%s) has reached, or with this run would pass, "+
			"its monthly budget of %s.", dollars(usage.SpentUSD), dollars(*b)), nil
	}
	ceiling := g.capUSD
	if usage.UserCapUSD != nil {
		ceiling = *usage.UserCapUSD
	}
	if ceiling > 0 && over(usage.UserSpentUSD, next, ceiling) {
		return fmt.Sprintf("Not run: your watches' model spend this month (%s) has reached, or with this run would pass, "+
			"your monthly cap of %s.", dollars(usage.UserSpentUSD), dollars(ceiling)), nil
	}
	return "", nil
}

// usage is the month's spend for t's check. The gate's read is a few milliseconds old, and the
// check weighs an estimate anyway: runs racing each other can each pass it, which is why a
// ceiling may be crossed by about one run per concurrent run.
func (g *Guard) usage(ctx context.Context, t task.Task) (store.TaskUsage, error) {
	if t.RunReads != nil {
		return t.RunReads.Spend, nil
	}
	return g.store.TaskMonthUsage(ctx, t.UserID, t.ID, g.now())
}

func over(spent, next, ceiling float64) bool {
	return spent >= ceiling || spent+next > ceiling
}

// dollars writes an amount as people read it: "$25.00", or to the tenth of a cent below a cent.
func dollars(v float64) string {
	if v != 0 && v < 0.01 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}
