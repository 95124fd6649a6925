package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/watch"
)

// schedulerAPI is the API of a Cloud Scheduler deployment (jobs non-nil) or a sweep one.
func schedulerAPI(t *testing.T, cloud bool) (*httptest.Server, *store.Store, *schedulertest.Server, *schedule.CloudScheduler) {
	t.Helper()
	s := storetest.New(t)
	log := logging.Discard()
	var fake *schedulertest.Server
	var jobs *schedule.CloudScheduler
	var trigger watch.Trigger
	var rj reconcile.Jobs
	if cloud {
		var c schedule.JobClient
		fake, c = startFake(t)
		var err error
		jobs, err = schedule.NewCloudScheduler(c, s, schedule.CloudSchedulerConfig{Project: "proj", Location: "us-central1"})
		require.NoError(t, err)
		trigger, rj = jobs, jobs
	}
	w := watch.New(watch.Deps{Store: s, Trigger: trigger, Publisher: discardPublisher{}, Now: time.Now, Log: log})
	a := api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: log, Auth: auth.NewDev(s),
		Scheduler: reconcile.New(s, rj, discardPublisher{}, time.Now, log, reconcile.Config{})})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return srv, s, fake, jobs
}

func startFake(t *testing.T) (*schedulertest.Server, schedule.JobClient) {
	t.Helper()
	return schedulertest.Start(t)
}

func admin(t *testing.T, srvURL string, s *store.Store, name string) *client.Client {
	t.Helper()
	c := client.New(srvURL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser(name))
	me, err := c.Me(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.SetUserRole(context.Background(), me.ID, store.RoleAdmin))
	return c
}

func TestAdminSchedulerJobsAndReconcile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, s, fake, jobs := schedulerAPI(t, true)
	alice := client.New(srv.URL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser("alice"))
	tk, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: "alice's watch", Schedule: "0 9 * * *"})
	require.NoError(t, err)
	_, err = alice.AdminReconcile(ctx)
	requireStatus(t, err, http.StatusForbidden)
	_, err = alice.AdminSchedulerJobs(ctx, false)
	requireStatus(t, err, http.StatusForbidden)

	root := admin(t, srv.URL, s, "root")
	list, err := root.AdminSchedulerJobs(ctx, false)
	require.NoError(t, err)
	require.Equal(t, "cloudscheduler", list.Mode)
	require.Zero(t, list.Drifted)
	require.Len(t, list.Jobs, 1)
	require.Equal(t, tk.ID, *list.Jobs[0].TaskID)
	require.Equal(t, "ENABLED", list.Jobs[0].Actual.State)

	fake.Drop(jobs.JobName(tk.ID))
	list, err = root.AdminSchedulerJobs(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 1, list.Drifted)
	require.Equal(t, []string{"missing"}, list.Jobs[0].Drift)
	require.Nil(t, list.Jobs[0].Actual)

	rep, err := root.AdminReconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, "cloudscheduler", rep.Mode)
	require.Equal(t, 1, rep.Jobs.Created)
	require.Empty(t, rep.Errors)
	list, err = root.AdminSchedulerJobs(ctx, true)
	require.NoError(t, err)
	require.Zero(t, list.Drifted)
	require.Empty(t, list.Jobs)

	// While another pass holds the lock, a second is refused with 409.
	release, ok, err := s.TryReconcileLock(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = root.AdminReconcile(ctx)
	requireStatus(t, err, http.StatusConflict)
	release()

	// A task change the scheduler refuses is not stored, and its detail stays in the log.
	fake.FailNext("CreateJob", schedulertest.Quota())
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tasks", strings.NewReader(`{"search_query":"refused watch"}`))
	req.Header.Set(auth.DevUserHeader, "alice")
	req.Header.Set("Content-Type", "application/json")
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.GreaterOrEqual(t, res.StatusCode, 500)
	require.NotContains(t, string(body), "Quota exceeded for quota metric")
	tasks, err := alice.ListTasks(ctx, "", client.PageOptions{})
	require.NoError(t, err)
	require.Len(t, tasks.Data, 1)
}

func TestAdminSchedulerInSweepMode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, s, _, _ := schedulerAPI(t, false)
	root := admin(t, srv.URL, s, "root")
	list, err := root.AdminSchedulerJobs(ctx, false)
	require.NoError(t, err)
	require.Equal(t, "sweep", list.Mode)
	require.Empty(t, list.Jobs)
	rep, err := root.AdminReconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, "sweep", rep.Mode)
	require.Nil(t, rep.Jobs)
}
