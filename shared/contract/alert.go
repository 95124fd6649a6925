package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Alert tells a watch's owner that it broke: failing runs, no run for too long, a run the spend
// cap held back, a webhook endpoint disabled or failing. Message says what in plain words,
// Advice what to do. A task has at most one open alert per cause.
type Alert struct {
	ID       uuid.UUID       `json:"id"`
	TaskID   uuid.UUID       `json:"task_id"`
	TaskName string          `json:"task_name,omitempty"`
	Cause    task.AlertCause `json:"cause"`
	Message  string          `json:"message"`
	Advice   string          `json:"advice"`
	// Open is true until the trouble is over (ResolvedAt).
	Open       bool       `json:"open"`
	OpenedAt   time.Time  `json:"opened_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
}

// AlertOf is the wire form of an alert.
func AlertOf(a task.Alert) Alert {
	return Alert{ID: a.ID, TaskID: a.TaskID, Cause: a.Cause, Message: a.Message, Advice: a.Advice, Open: a.Open(),
		OpenedAt: a.OpenedAt, ResolvedAt: a.ResolvedAt}
}

// AlertsOf maps a task's open alerts; none is the empty list.
func AlertsOf(as []task.Alert) []Alert {
	out := make([]Alert, len(as))
	for i, a := range as {
		out[i] = AlertOf(a)
	}
	return out
}

// Spend is GET /api/v1/spend: what the caller's watches cost in model calls this calendar
// month (UTC), against their monthly cap.
type Spend struct {
	MonthStart time.Time `json:"month_start"`
	MonthEnd   time.Time `json:"month_end"`
	SpentUSD   float64   `json:"spent_usd"`
	// CapUSD is the cap that applies, null when there is none; CapSource says whose it is:
	// "platform" (TORALE_MONTHLY_SPEND_CAP_USD), "user" (an admin set it) or "none".
	CapUSD    *float64 `json:"cap_usd"`
	CapSource string   `json:"cap_source"`
	// RemainingUSD is what may still be spent this month, null without a cap.
	RemainingUSD *float64 `json:"remaining_usd"`
}

// SpendCapInput is the body of PUT /admin/users/{id}/spend-cap: a user's own monthly cap in US
// dollars (0 means no cap), or null to go back to the platform's.
type SpendCapInput struct {
	MonthlySpendCapUSD *float64 `json:"monthly_spend_cap_usd"`
}
