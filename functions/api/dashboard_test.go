package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// The tests in this file cover what the dashboard (issue 12) reads beyond the tasks
// themselves.

// costlyRun records a finished scheduled run of the task that cost costUSD.
func costlyRun(t testing.TB, s *store.Store, userID, taskID uuid.UUID, costUSD float64, status task.Status) task.Execution {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tk, err := s.GetTask(ctx, userID, taskID)
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: userID, TaskID: taskID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	o := store.Outcome{ExecutionID: e.ID, UserID: userID, TaskID: taskID, Attempt: 1, Now: now, Status: status,
		TaskVersion: tk.UpdatedAt, Usage: task.Usage{Model: "m", CostUSD: costUSD}}
	if status == task.StatusSuccess {
		o.Result = &task.Result{Evidence: "nothing new", Sources: []task.Source{}}
	} else {
		o.Error, o.Category = "the search failed", task.CategorySystem
	}
	_, err = s.FinishExecution(ctx, o)
	require.NoError(t, err)
	return e
}

func TestEveryTaskViewCarriesTheMonthsSpend(t *testing.T) {
	b := setup(t)
	spent := b.create(t, "alice", "a watch that ran")
	idle := b.create(t, "alice", "a watch that never ran")
	me := b.do(t, "alice", "GET", "/api/v1/me", "")
	uid := uuid.MustParse(me.body["id"].(string))
	costlyRun(t, b.store, uid, uuid.MustParse(spent), 0.25, task.StatusSuccess)
	costlyRun(t, b.store, uid, uuid.MustParse(spent), 0.5, task.StatusFailed) // failed runs cost too

	list := b.do(t, "alice", "GET", "/api/v1/tasks", "")
	require.Equal(t, http.StatusOK, list.status, list.body)
	got := map[string]any{}
	for _, d := range list.body["data"].([]any) {
		v := d.(map[string]any)
		got[v["id"].(string)] = v["month_spend_usd"]
	}
	require.Equal(t, map[string]any{spent: 0.75, idle: 0.0}, got)

	// A page boundary does not lose a task's spend, and every single-task answer carries it.
	first := b.do(t, "alice", "GET", "/api/v1/tasks?limit=1", "")
	require.Len(t, first.body["data"], 1)
	require.Equal(t, 0.0, first.body["data"].([]any)[0].(map[string]any)["month_spend_usd"])
	require.InDelta(t, 0.75, b.do(t, "alice", "GET", "/api/v1/tasks/"+spent, "").body["month_spend_usd"], 1e-9)
	require.InDelta(t, 0.75, b.do(t, "alice", "POST", "/api/v1/tasks/"+spent+"/pause", "").body["month_spend_usd"], 1e-9)
	created := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a brand new watch"}`)
	require.Equal(t, 0.0, created.body["month_spend_usd"])
}

func TestEveryTaskViewSaysWhyItsNextRunIsThen(t *testing.T) {
	b := setup(t)
	reason := func(r response) (string, string) {
		t.Helper()
		v := r.body["next_run_reason"].(map[string]any)
		return v["kind"].(string), v["summary"].(string)
	}
	r := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a new watch"}`)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	kind, summary := reason(r)
	require.Equal(t, "first_run", kind)
	require.Equal(t, "A new task runs right away.", summary)
	id := r.body["id"].(string)

	r = b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a weekly watch","schedule":"0 9 * * 1","timezone":"Europe/London","run_immediately":false}`)
	kind, summary = reason(r)
	require.Equal(t, "schedule", kind)
	require.Equal(t, "By its schedule: every Monday at 09:00 (Europe/London).", summary)
	weekly := r.body["id"].(string)
	r = b.do(t, "alice", "PATCH", "/api/v1/tasks/"+weekly, `{"schedule":"0 9 1,15 * *"}`)
	_, summary = reason(r)
	require.Equal(t, "By its schedule: 0 9 1,15 * * in Europe/London.", summary)

	kind, summary = reason(b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/pause", ""))
	require.Equal(t, "none", kind)
	require.Contains(t, summary, "Paused")
	kind, summary = reason(b.do(t, "alice", "POST", "/api/v1/tasks/"+id+"/resume", ""))
	require.Equal(t, "first_run", kind)
	require.Equal(t, "It was made active again, so it runs right away.", summary)

	// A run whose agent chose the next time: the list says so too.
	uid := uuid.MustParse(b.do(t, "alice", "GET", "/api/v1/me", "").body["id"].(string))
	tk, err := b.store.GetTask(context.Background(), uid, uuid.MustParse(id))
	require.NoError(t, err)
	now := time.Now()
	e, err := b.store.StartExecution(context.Background(), store.StartRun{UserID: uid, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	next := now.Add(6 * time.Hour)
	_, err = b.store.FinishExecution(context.Background(), store.Outcome{ExecutionID: e.ID, UserID: uid, TaskID: tk.ID, Attempt: 1,
		Now: now, Status: task.StatusSuccess, Result: &task.Result{Evidence: "soon", NextRun: &next, Sources: []task.Source{}},
		NextRunAt: &next, NextRunCause: task.CauseAgent, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	for _, d := range b.do(t, "alice", "GET", "/api/v1/tasks", "").body["data"].([]any) {
		v := d.(map[string]any)
		if v["id"] == id {
			require.Equal(t, map[string]any{"kind": "agent", "summary": "The agent chose this time after the last run."}, v["next_run_reason"])
		}
	}
}

func TestNotificationsCarryEveryDeliveryAttempt(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	me := b.do(t, "alice", "GET", "/api/v1/me", "")
	uid := uuid.MustParse(me.body["id"].(string))
	now := time.Now()
	tk, err := b.store.CreateTask(ctx, store.NewTask{UserID: uid, Name: "Both", SearchQuery: "a watch on two channels",
		ConditionDescription: "c", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &now,
		Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "me@example.com"}, {Type: task.ChannelWebhook, URL: "https://hooks.example.com/a"}}})
	require.NoError(t, err)
	exec := notifiedRun(t, b.store, uid, tk.ID, "news")
	ds, err := b.store.ListDeliveries(ctx, uid, exec.ID)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	refused, ok := 451, 200
	for _, d := range ds {
		code := &ok
		if d.Channel == task.ChannelEmail {
			code = &refused
		}
		retry := now.Add(time.Minute)
		require.NoError(t, b.store.RecordAttempt(ctx, store.Attempt{DeliveryID: d.ID, Number: 1, At: now, OK: false,
			ResponseCode: *code, Latency: 40 * time.Millisecond, Error: "refused (" + string(d.Channel) + ")", RetryAt: &retry}))
		require.NoError(t, b.store.RecordAttempt(ctx, store.Attempt{DeliveryID: d.ID, Number: 1, At: now.Add(time.Minute), OK: true,
			Latency: 12 * time.Millisecond}))
	}
	// A later run whose deliveries were never tried (listed first, newest first): empty logs.
	notifiedRun(t, b.store, uid, tk.ID, "more news")

	for _, path := range []string{"/api/v1/notifications", "/api/v1/tasks/" + tk.ID.String() + "/notifications"} {
		r := b.do(t, "alice", "GET", path, "")
		require.Equal(t, http.StatusOK, r.status, r.body)
		runs := r.body["data"].([]any)
		require.Len(t, runs, 2, path)
		for _, d := range runs[0].(map[string]any)["deliveries"].([]any) {
			require.Equal(t, []any{}, d.(map[string]any)["attempt_log"], "an untried delivery has an empty log")
		}
		seen := map[string]bool{}
		for _, d := range runs[1].(map[string]any)["deliveries"].([]any) {
			v := d.(map[string]any)
			channel := v["channel"].(string)
			seen[channel] = true
			log := v["attempt_log"].([]any)
			require.Len(t, log, 2, "%s %s", path, channel)
			first, second := log[0].(map[string]any), log[1].(map[string]any)
			require.Equal(t, false, first["ok"])
			require.Equal(t, "refused ("+channel+")", first["error"])
			require.EqualValues(t, 40, first["latency_ms"])
			require.Equal(t, true, second["ok"])
			require.NotContains(t, second, "error")
			if channel == "email" {
				require.EqualValues(t, 451, first["response_code"])
				require.Nil(t, second["response_code"], "an accepted email has no code")
			} else {
				require.EqualValues(t, 200, first["response_code"])
			}
		}
		require.Equal(t, map[string]bool{"email": true, "webhook": true}, seen)
	}
}

func TestRuntimeConfigSaysHowToSignIn(t *testing.T) {
	b := setup(t)
	serve := func(site api.Site) map[string]any {
		t.Helper()
		a := api.New(api.Deps{Keys: b.store, Admin: b.store, Auth: auth.NewDev(b.store), Health: b.store.Health,
			Log: logging.Discard(), Site: site})
		srv := httptest.NewServer(a)
		defer srv.Close()
		res, err := validatingClient(t).Get(srv.URL + "/api/v1/config")
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return out
	}
	const key = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"
	require.Equal(t, map[string]any{"auth": "clerk", "clerk_publishable_key": key, "version": "3f9c2a1b7d4e"},
		serve(api.Site{ClerkPublishableKey: key, Version: "3f9c2a1b7d4e"}))
	require.Equal(t, map[string]any{"auth": "dev", "version": "dev"}, serve(api.Site{DevAuth: true, ClerkPublishableKey: key, Version: "dev"}),
		"under torale dev there is no sign-in, so no key")
	// No credentials needed, and a header naming a user changes nothing.
	r := b.do(t, "", "GET", "/api/v1/config", "")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "clerk", r.body["auth"])
}

func TestMeSaysWhetherTheCallerIsAnAdmin(t *testing.T) {
	b := setup(t)
	me := b.do(t, "alice", "GET", "/api/v1/me", "")
	require.Equal(t, false, me.body["is_admin"])
	require.NoError(t, b.store.SetUserRole(context.Background(), uuid.MustParse(me.body["id"].(string)), store.RoleAdmin))
	me = b.do(t, "alice", "GET", "/api/v1/me", "")
	require.Equal(t, true, me.body["is_admin"])
	require.Equal(t, "admin", me.body["role"])
	users := b.do(t, "alice", "GET", "/api/v1/admin/users", "")
	require.Equal(t, http.StatusOK, users.status)
	require.Equal(t, true, users.body["data"].([]any)[0].(map[string]any)["is_admin"])
}

func TestSchedulePreviewListsTheNextRunsInTheZone(t *testing.T) {
	b := setup(t)
	r := b.do(t, "alice", "POST", "/api/v1/schedules/preview", `{"schedule":" 0  9 * * 1 ","timezone":"Europe/London"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.Equal(t, "0 9 * * 1", r.body["schedule"])
	require.Equal(t, "Europe/London", r.body["timezone"])
	runs := r.body["next_runs"].([]any)
	require.Len(t, runs, 5)
	london := mustZone(t, "Europe/London")
	var prev time.Time
	for _, s := range runs {
		at, err := time.Parse(time.RFC3339, s.(string))
		require.NoError(t, err)
		require.True(t, at.After(time.Now()) && at.After(prev), "future and ascending: %v", runs)
		require.Equal(t, time.Monday, at.In(london).Weekday())
		require.Equal(t, 9, at.In(london).Hour())
		_, want := at.In(london).Zone()
		_, got := at.Zone()
		require.Equal(t, want, got, "written with London's offset: %s", s)
		prev = at
	}
	// A zone with a non-zero offset shows it in every timestamp.
	r = b.do(t, "alice", "POST", "/api/v1/schedules/preview", `{"schedule":"@daily","timezone":"Asia/Kolkata"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT00:00:00\+05:30$`, r.body["next_runs"].([]any)[0])

	// The agent decides: no runs to list; defaults as for a task.
	r = b.do(t, "alice", "POST", "/api/v1/schedules/preview", `{}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.Equal(t, map[string]any{"schedule": "", "timezone": "UTC", "next_runs": []any{}}, r.body)
	// An alias is answered with its canonical name, as a task stores it.
	r = b.do(t, "alice", "POST", "/api/v1/schedules/preview", `{"schedule":"0 9 * * *","timezone":"Asia/Calcutta"}`)
	require.Equal(t, "Asia/Kolkata", r.body["timezone"])

	for _, c := range []struct{ body, fields string }{
		{`{"schedule":"0 9 * *","timezone":"Europe/London"}`, "schedule"},
		{`{"schedule":"* * * * *"}`, "schedule"}, // more often than the minimum interval
		{`{"schedule":"0 9 * * *","timezone":"Mars/Base"}`, "timezone"},
		{`{"schedule":"61 9 * * *","timezone":"Nowhere"}`, "schedule,timezone"},
		{`{"schedule":"0 9 * * *","frequency":"daily"}`, "frequency"},
	} {
		r := b.do(t, "alice", "POST", "/api/v1/schedules/preview", c.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, c.body)
		var fields []string
		for _, e := range r.body["errors"].([]any) {
			fields = append(fields, e.(map[string]any)["field"].(string))
		}
		require.Equal(t, c.fields, strings.Join(fields, ","), c.body)
	}
	// The same input gives the same errors when creating a task.
	preview := b.do(t, "alice", "POST", "/api/v1/schedules/preview", `{"schedule":"0 9 * *","timezone":"Mars/Base"}`)
	create := b.do(t, "alice", "POST", "/api/v1/tasks", `{"search_query":"a watch","schedule":"0 9 * *","timezone":"Mars/Base"}`)
	require.Equal(t, preview.body["errors"], create.body["errors"])
}
