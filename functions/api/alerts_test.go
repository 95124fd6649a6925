package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func TestTaskBudgetIsCheckedAndShown(t *testing.T) {
	b := setup(t)
	for _, bad := range []string{"-1", "0.001", "100001"} {
		r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"iphone 18 date","monthly_budget_usd":`+bad+`}`)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, bad)
		require.Equal(t, "monthly_budget_usd", r.body["errors"].([]any)[0].(map[string]any)["field"])
	}
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"iphone 18 date","monthly_budget_usd":2.5}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	require.InDelta(t, 2.5, r.body["monthly_budget_usd"], 1e-9)
	require.Equal(t, []any{}, r.body["open_alerts"])
	id := r.body["id"].(string)

	r = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"monthly_budget_usd":4}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.InDelta(t, 4.0, r.body["monthly_budget_usd"], 1e-9)
	r = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+id, `{"monthly_budget_usd":0,"name":"renamed"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.Nil(t, r.body["monthly_budget_usd"], "0 removes the budget")
	require.Equal(t, "renamed", r.body["name"])
	r = b.do(t, "bob", "PATCH", "/api/v1/tasks/"+id, `{"monthly_budget_usd":4}`)
	require.Equal(t, http.StatusNotFound, r.status, "another user's task")
}

func TestAlertsAreListedAndOnTheTask(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	id := uuid.MustParse(b.create(t, "alice", "iphone 18 date"))
	alice, err := b.store.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	_, _, opened, err := b.store.OpenAlert(ctx, store.NewAlert{UserID: alice.ID, TaskID: id, Cause: task.AlertFailing,
		Message: "Your watch failed its last 3 runs.", Advice: "Open the watch.", Now: time.Now()})
	require.NoError(t, err)
	require.True(t, opened)

	list := b.do(t, "alice", "GET", "/api/v1/alerts?open=true", "")
	require.Equal(t, http.StatusOK, list.status, list.body)
	data := list.body["data"].([]any)
	require.Len(t, data, 1)
	a := data[0].(map[string]any)
	require.Equal(t, "failing", a["cause"])
	require.Equal(t, "Iphone 18 date", a["task_name"])
	require.Equal(t, true, a["open"])
	got := b.do(t, "alice", "GET", "/api/v1/tasks/"+id.String(), "")
	require.Len(t, got.body["open_alerts"].([]any), 1)

	require.Empty(t, b.do(t, "bob", "GET", "/api/v1/alerts", "").body["data"], "another user's alerts are not listed")
	require.Equal(t, http.StatusBadRequest, b.do(t, "alice", "GET", "/api/v1/alerts?open=maybe", "").status)
}

func TestSpendAgainstTheCap(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "GET", "/api/v1/spend", "")
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.EqualValues(t, 0, r.body["spent_usd"])
	require.EqualValues(t, 25, r.body["cap_usd"])
	require.Equal(t, "platform", r.body["cap_source"])

	me := b.do(t, "root", "GET", "/api/v1/me", "")
	require.NoError(t, b.store.SetUserRole(context.Background(), uuid.MustParse(me.body["id"].(string)), store.RoleAdmin))
	alice := b.do(t, "alice", "GET", "/api/v1/me", "").body["id"].(string)
	r = b.do(t, "root", "PUT", "/api/v1/admin/users/"+alice+"/spend-cap", `{"monthly_spend_cap_usd":40}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.EqualValues(t, 40, r.body["cap_usd"])
	require.Equal(t, "user", r.body["cap_source"])
	require.Equal(t, "user", b.do(t, "alice", "GET", "/api/v1/spend", "").body["cap_source"])
	r = b.do(t, "root", "PUT", "/api/v1/admin/users/"+alice+"/spend-cap", `{"monthly_spend_cap_usd":0}`)
	require.Nil(t, r.body["cap_usd"], "0: no cap")
	require.Equal(t, "none", r.body["cap_source"])
	r = b.do(t, "root", "PUT", "/api/v1/admin/users/"+alice+"/spend-cap", `{"monthly_spend_cap_usd":null}`)
	require.Equal(t, "platform", r.body["cap_source"])

	require.Equal(t, http.StatusUnprocessableEntity, b.do(t, "root", "PUT", "/api/v1/admin/users/"+alice+"/spend-cap", `{"monthly_spend_cap_usd":-5}`).status)
	require.Equal(t, http.StatusNotFound, b.do(t, "root", "PUT", "/api/v1/admin/users/"+uuid.NewString()+"/spend-cap", `{"monthly_spend_cap_usd":5}`).status)
	require.Equal(t, http.StatusForbidden, b.do(t, "alice", "PUT", "/api/v1/admin/users/"+alice+"/spend-cap", `{"monthly_spend_cap_usd":500}`).status)
}
