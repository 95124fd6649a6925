package api

import (
	"context"
	"math"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/budget"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// SpendReader is what a user's model spend this month comes from: shared/budget's guard.
type SpendReader interface {
	UserSpend(ctx context.Context, userID uuid.UUID) (budget.Spend, error)
}

// listAlerts answers GET /alerts: the caller's alerts, newest first; ?open=true for open ones.
func (a *API) listAlerts(w http.ResponseWriter, r *http.Request, user store.User) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	openOnly := false
	if v := r.URL.Query().Get("open"); v != "" {
		if openOnly, err = strconv.ParseBool(v); err != nil {
			return badRequest("open must be true or false")
		}
	}
	alerts, err := a.watch.Alerts(r.Context(), user.ID, openOnly, p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(alerts, p.limit, func(l store.ListedAlert) store.Cursor {
		return store.Cursor{CreatedAt: l.OpenedAt, ID: l.ID}
	}, func(l store.ListedAlert) contract.Alert {
		v := contract.AlertOf(l.Alert)
		v.TaskName = l.TaskName
		return v
	}))
	return nil
}

// getSpend answers GET /spend: the caller's model spend this month against their cap.
func (a *API) getSpend(w http.ResponseWriter, r *http.Request, user store.User) error {
	if a.spend == nil {
		return &problemError{contract.Problem{Status: http.StatusServiceUnavailable, Detail: "Spend is not tracked on this deployment."}}
	}
	s, err := a.spend.UserSpend(r.Context(), user.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, spendView(s))
	return nil
}

func spendView(s budget.Spend) contract.Spend {
	v := contract.Spend{MonthStart: s.MonthStart, MonthEnd: s.MonthEnd, SpentUSD: s.SpentUSD, CapSource: "none"}
	if s.CapUSD > 0 {
		c, left := s.CapUSD, math.Max(0, s.CapUSD-s.SpentUSD)
		v.CapUSD, v.RemainingUSD = &c, &left
		v.CapSource = "platform"
		if s.Own {
			v.CapSource = "user"
		}
	}
	return v
}

// adminSetSpendCap answers PUT /admin/users/{id}/spend-cap: a user's own monthly cap, or null
// for the platform's.
func (a *API) adminSetSpendCap(w http.ResponseWriter, r *http.Request, _ store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.SpendCapInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if c := b.MonthlySpendCapUSD; c != nil && (math.IsNaN(*c) || *c < 0 || *c > 1_000_000) {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "monthly_spend_cap_usd",
			Message: "must be an amount of US dollars from 0 (no cap) to 1000000, or null for the platform's cap"}}}
	}
	if err := a.admin.SetUserSpendCap(r.Context(), id, b.MonthlySpendCapUSD); err != nil {
		return err // ErrNotFound: no such user, a 404
	}
	if a.spend == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	s, err := a.spend.UserSpend(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, spendView(s))
	return nil
}
