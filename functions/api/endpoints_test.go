package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func (b testBundle) client(t testing.TB, opts ...client.Option) *client.Client {
	return client.New(b.srv.URL, append([]client.Option{client.WithHTTPClient(validatingClient(t))}, opts...)...)
}

func ptr[T any](v T) *T { return &v }

// requireStatus fails t unless err is the API's answer with the given status.
func requireStatus(t testing.TB, err error, status int) {
	t.Helper()
	_ = requireProblem(t, err, status)
}

// requireProblem is requireStatus that returns the problem, for tests that look inside it.
func requireProblem(t testing.TB, err error, status int) *client.Error {
	t.Helper()
	require.Error(t, err)
	var e *client.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, status, e.StatusCode, e.Error())
	return e
}

func TestTaskLifecycle(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))

	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "next iPhone release date", Schedule: "0 9 * * *",
		Timezone: "Europe/London", RunImmediately: ptr(false)})
	require.NoError(t, err)
	require.Equal(t, task.StateActive, tk.State)

	// A partial update: a new schedule moves the next run; other fields stay.
	up, err := c.UpdateTask(ctx, tk.ID, contract.TaskPatch{Schedule: ptr("30 18 * * 5"), NotifyBehavior: ptr(task.NotifyAlways)})
	require.NoError(t, err)
	require.Equal(t, "30 18 * * 5", up.Schedule)
	require.Equal(t, task.NotifyAlways, up.NotifyBehavior)
	require.Equal(t, tk.SearchQuery, up.SearchQuery)
	london, _ := time.LoadLocation("Europe/London")
	require.Equal(t, time.Friday, up.NextRunAt.In(london).Weekday())
	require.Equal(t, 18, up.NextRunAt.In(london).Hour())

	// A bad update changes nothing and names each bad field.
	e := requireProblem(t, func() error {
		_, err := c.UpdateTask(ctx, tk.ID, contract.TaskPatch{Timezone: ptr("Mars/Base"), SearchQuery: ptr("x")})
		return err
	}(), http.StatusUnprocessableEntity)
	require.Len(t, e.Errors, 2)
	got, err := c.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, "Europe/London", got.Timezone)
	require.Zero(t, got.MonthSpendUSD, "a task that never ran spent nothing")

	paused, err := c.PauseTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StatePaused, paused.State)
	done, err := c.CompleteTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateCompleted, done.State)
	e = requireProblem(t, func() error { _, err := c.PauseTask(ctx, tk.ID); return err }(), http.StatusConflict)
	require.Contains(t, e.Detail, "completed")
	require.Contains(t, e.Detail, "paused")
	again, err := c.ResumeTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateActive, again.State)
	require.WithinDuration(t, time.Now(), *again.NextRunAt, 5*time.Second, "a restarted task runs at once")

	// PATCH can change the state too, following the same rules.
	pausedAgain, err := c.UpdateTask(ctx, tk.ID, contract.TaskPatch{State: ptr(task.StatePaused)})
	require.NoError(t, err)
	require.Equal(t, task.StatePaused, pausedAgain.State)

	require.NoError(t, c.DeleteTask(ctx, tk.ID))
	requireStatus(t, func() error { _, err := c.GetTask(ctx, tk.ID); return err }(), http.StatusNotFound)
	requireStatus(t, c.DeleteTask(ctx, tk.ID), http.StatusNotFound)
}

func TestRunNowAndForce(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "watch this"})
	require.NoError(t, err)
	first, err := c.RunTask(ctx, tk.ID, false)
	require.NoError(t, err)
	require.Equal(t, task.StatusPending, first.Status)
	requireStatus(t, func() error { _, err := c.RunTask(ctx, tk.ID, false); return err }(), http.StatusConflict)

	second, err := c.RunTask(ctx, tk.ID, true)
	require.NoError(t, err)
	cancelled, err := c.GetExecution(ctx, first.ID)
	require.NoError(t, err)
	require.Equal(t, task.StatusCancelled, cancelled.Status)
	page, err := c.ListExecutions(ctx, tk.ID, client.PageOptions{})
	require.NoError(t, err)
	require.Equal(t, second.ID, page.Data[0].ID)
}

func TestPreviewStoresNothing(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))
	p, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "When is the next iPhone release?"})
	require.NoError(t, err)
	require.Equal(t, 90, p.Result.Confidence)
	require.Equal(t, "When is the next iPhone release?", b.agent.Inputs()[0].SearchQuery)
	list, err := c.ListTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, list.Data)
	requireStatus(t, func() error { _, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "x"}); return err }(), http.StatusUnprocessableEntity)
}

func TestNotificationsAreListed(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))
	b.verifyEmail(t, "alice", "me@example.com")
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "watch this",
		Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "me@example.com"}}})
	require.NoError(t, err)
	me, err := c.Me(ctx)
	require.NoError(t, err)
	notifiedRun(t, b.store, me.ID, tk.ID, "It happened.")

	all, err := c.ListNotifications(ctx, client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, all.Data, 1)
	require.Equal(t, "It happened.", *all.Data[0].Result.Notification)
	require.Equal(t, tk.Name, all.Data[0].TaskName)
	require.Len(t, all.Data[0].Deliveries, 1)
	require.Equal(t, task.DeliveryPending, all.Data[0].Deliveries[0].Status)
	per, err := c.ListTaskNotifications(ctx, tk.ID, client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, per.Data, 1)
}

// notifiedRun records a successful run of the task that notified, as the runner would.
func notifiedRun(t testing.TB, s *store.Store, userID, taskID uuid.UUID, note string) task.Execution {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tk, err := s.GetTask(ctx, userID, taskID)
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: userID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: userID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &task.Result{Evidence: "e", Notification: &note, Sources: []task.Source{}},
		Notify: tk.Notifications, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	return e
}

func TestAPIKeys(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	dev := b.client(t, client.WithDevUser("alice"))
	k, err := dev.CreateAPIKey(ctx, "laptop")
	require.NoError(t, err)
	require.Regexp(t, `^tor_[0-9A-Za-z]+$`, k.Key)
	require.Equal(t, k.Key[:len(k.Prefix)], k.Prefix)

	byKey := b.client(t, client.WithToken(k.Key))
	me, err := byKey.Me(ctx)
	require.NoError(t, err)
	devMe, _ := dev.Me(ctx)
	require.Equal(t, devMe.ID, me.ID, "the key acts as its owner")

	keys, err := byKey.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, "laptop", keys[0].Name)
	// Listing and reading a task authenticate the key in the read's own statement.
	page, err := byKey.ListTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Data, "an empty page is still a page")
	tk, err := dev.CreateTask(ctx, contract.TaskInput{SearchQuery: "alice's watch"})
	require.NoError(t, err)
	page, err = byKey.ListTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	got, err := byKey.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, tk.ID, got.ID)
	_, err = byKey.ListTasks(ctx, "sleeping", client.PageOptions{})
	requireStatus(t, err, http.StatusBadRequest)
	bob, err := b.client(t, client.WithDevUser("bob")).CreateTask(ctx, contract.TaskInput{SearchQuery: "bob's watch"})
	require.NoError(t, err)
	_, err = byKey.GetTask(ctx, bob.ID)
	requireStatus(t, err, http.StatusNotFound)
	require.NoError(t, byKey.RevokeAPIKey(ctx, k.ID))
	requireStatus(t, func() error { _, err := byKey.Me(ctx); return err }(), http.StatusUnauthorized)
	_, err = byKey.ListTasks(ctx, "", client.PageOptions{})
	requireStatus(t, err, http.StatusUnauthorized) // a revoked key lists nothing from the next request on
	_, err = byKey.GetTask(ctx, tk.ID)
	requireStatus(t, err, http.StatusUnauthorized)

	for _, bad := range []string{"tor_short", k.Key[:len(k.Key)-1] + "x", "not-a-key"} {
		requireStatus(t, func() error { _, err := b.client(t, client.WithToken(bad)).Me(ctx); return err }(), http.StatusUnauthorized)
	}
	requireStatus(t, func() error { _, err := dev.CreateAPIKey(ctx, ""); return err }(), http.StatusUnprocessableEntity)
}

func TestAdminRoutes(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	tk, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: "alice's watch"})
	require.NoError(t, err)

	_, err = alice.AdminStats(ctx)
	requireStatus(t, err, http.StatusForbidden)

	root := b.client(t, client.WithDevUser("root"))
	me, err := root.Me(ctx)
	require.NoError(t, err)
	require.NoError(t, b.store.SetUserRole(ctx, me.ID, store.RoleAdmin))

	st, err := root.AdminStats(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Users)
	require.Equal(t, 1, st.ActiveTasks)
	users, err := root.AdminUsers(ctx, client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, users.Data, 2)
	tasks, err := root.AdminTasks(ctx, client.PageOptions{})
	require.NoError(t, err)
	require.Equal(t, tk.ID, tasks.Data[0].ID)
	run, err := root.AdminRunTask(ctx, tk.ID)
	require.NoError(t, err)
	execs, err := root.AdminExecutions(ctx, task.StatusPending, client.PageOptions{})
	require.NoError(t, err)
	require.Equal(t, run.ID, execs.Data[0].ID)
	errs, err := root.AdminErrors(ctx, client.PageOptions{})
	require.NoError(t, err)
	require.Empty(t, errs.Data)
	paused, err := root.AdminSetTaskState(ctx, tk.ID, task.StatePaused)
	require.NoError(t, err)
	require.Equal(t, task.StatePaused, paused.State)
	_, err = root.AdminExecutions(ctx, "sleeping", client.PageOptions{})
	requireStatus(t, err, http.StatusBadRequest)
}

func TestLimits(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))
	for i := range 5 {
		_, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "preview number one"})
		require.NoError(t, err, "preview %d", i)
	}
	e := requireProblem(t, func() error {
		_, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "preview number one"})
		return err
	}(), http.StatusTooManyRequests)
	require.Positive(t, e.RetryAfter)
	// Limits are per user.
	_, err := b.client(t, client.WithDevUser("bob")).PreviewTask(ctx, contract.TaskInput{SearchQuery: "bob's preview"})
	require.NoError(t, err)

	// The cap on active tasks (5 here) holds on create and on resume.
	var last contract.TaskView
	for range 5 {
		last, err = c.CreateTask(ctx, contract.TaskInput{SearchQuery: "one more watch"})
		require.NoError(t, err)
	}
	e = requireProblem(t, func() error { _, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "too many"}); return err }(), http.StatusConflict)
	require.Contains(t, e.Detail, "5 active tasks")
	_, err = c.PauseTask(ctx, last.ID)
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, contract.TaskInput{SearchQuery: "fits again"})
	require.NoError(t, err)
	requireStatus(t, func() error { _, err := c.ResumeTask(ctx, last.ID); return err }(), http.StatusConflict)
}

func TestCORSAndSecurityHeaders(t *testing.T) {
	b := setup(t)
	// pre sends a CORS preflight; only its status and headers matter.
	type answer struct {
		StatusCode int
		Header     http.Header
	}
	pre := func(origin string) answer {
		req, _ := http.NewRequest("OPTIONS", b.srv.URL+"/api/v1/tasks", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return answer{res.StatusCode, res.Header}
	}
	ok := pre("https://app.torale.ai")
	require.Equal(t, http.StatusNoContent, ok.StatusCode)
	require.Equal(t, "https://app.torale.ai", ok.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, ok.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	bad := pre("https://evil.example")
	require.Equal(t, http.StatusForbidden, bad.StatusCode)
	require.Empty(t, bad.Header.Get("Access-Control-Allow-Origin"))

	req, _ := http.NewRequest("GET", b.srv.URL+"/healthz", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, res.Header.Get("Strict-Transport-Security"), "max-age=")
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "frame-ancestors 'none'", res.Header.Get("Content-Security-Policy"))
}
