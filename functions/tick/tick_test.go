package tick_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/tick"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
)

type counter struct {
	mu    sync.Mutex
	calls int
	err   error
}

func (c *counter) Sweep(context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return 7, c.err
}

func (c *counter) Run(context.Context) (reconcile.Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return reconcile.Report{Mode: "sweep", FinishedAt: time.Now()}, c.err
}

func call(t *testing.T, h http.Handler) (int, contract.TickResult) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	var res contract.TickResult
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	return rec.Code, res
}

func TestTickSweepsEveryCallAndReconcilesOnItsTimer(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	sweeper, rec := &counter{}, &counter{}
	h := tick.New(tick.Config{Sweeper: sweeper, Reconciler: rec, ReconcileEvery: 10 * time.Minute,
		Now: func() time.Time { return now }, Log: logging.Discard()})

	code, res := call(t, h)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, 7, res.Triggered)
	require.NotNil(t, res.Reconciled, "the first tick of an instance reconciles")

	now = now.Add(9 * time.Minute)
	_, res = call(t, h)
	require.Nil(t, res.Reconciled)
	now = now.Add(time.Minute)
	_, res = call(t, h)
	require.NotNil(t, res.Reconciled)
	require.Equal(t, 3, sweeper.calls)
	require.Equal(t, 2, rec.calls)

	// Another instance's pass is running: not a failure.
	now = now.Add(time.Hour)
	rec.err = reconcile.ErrInProgress
	code, res = call(t, h)
	require.Equal(t, http.StatusOK, code)
	require.Nil(t, res.Reconciled)

	// Failures answer 500 so Cloud Scheduler records them; a failed pass waits for its interval.
	now = now.Add(time.Hour)
	rec.err = errors.New("cloud scheduler: listing jobs: unavailable")
	code, _ = call(t, h)
	require.Equal(t, http.StatusInternalServerError, code)
	sweeper.err = errors.New("database down")
	code, res = call(t, h)
	require.Equal(t, http.StatusInternalServerError, code)
	require.Nil(t, res.Reconciled)
	require.Equal(t, 4, rec.calls)
}

func TestTickInCloudSchedulerModeOnlyReconciles(t *testing.T) {
	rec := &counter{}
	h := tick.New(tick.Config{Reconciler: rec, Log: logging.Discard()})
	code, res := call(t, h)
	require.Equal(t, http.StatusOK, code)
	require.Zero(t, res.Triggered)
	require.NotNil(t, res.Reconciled)
}

type jobsReconciler struct{ jobs reconcile.JobCounts }

func (j jobsReconciler) Run(context.Context) (reconcile.Report, error) {
	return reconcile.Report{Mode: "cloudscheduler", Jobs: &j.jobs}, nil
}

// The monitoring alert on Cloud Scheduler's quota counts jobs from this log line's field.
func TestTickLogsTheSchedulerJobsItsPassSaw(t *testing.T) {
	var out bytes.Buffer
	h := tick.New(tick.Config{Reconciler: jobsReconciler{reconcile.JobCounts{Checked: 950, Deleted: 3}},
		Log: logging.New(&out, logging.Format("json"), "info")})
	code, _ := call(t, h)
	require.Equal(t, http.StatusOK, code)
	var line struct {
		Message string `json:"message"`
		Jobs    *int   `json:"scheduler_jobs"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &line))
	require.Equal(t, "reconcile pass", line.Message)
	require.NotNil(t, line.Jobs)
	require.Equal(t, 947, *line.Jobs)
}

type expirer struct {
	calls int
	err   error
}

func (e *expirer) ExpireRuns(context.Context) (int, error) {
	e.calls++
	return 3, e.err
}

func TestTickExpiresRunsEveryCallAndReportsAFailure(t *testing.T) {
	exp := &expirer{}
	h := tick.New(tick.Config{Expirer: exp, Log: logging.Discard()})
	code, res := call(t, h)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, 3, res.ExpiredRuns)
	_, _ = call(t, h)
	require.Equal(t, 2, exp.calls, "every tick takes a bounded batch")

	exp.err = errors.New("database gone")
	code, _ = call(t, h)
	require.Equal(t, http.StatusInternalServerError, code, "Cloud Scheduler records the failure")
}
