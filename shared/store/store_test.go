package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

type testBundle struct {
	ctx   context.Context
	store *store.Store
	user  store.User
	other store.User
	now   time.Time
}

func setup(t *testing.T) testBundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice", Email: "alice@example.com"})
	require.NoError(t, err)
	o, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:bob"})
	require.NoError(t, err)
	return testBundle{ctx: ctx, store: s, user: u, other: o, now: time.Now().UTC().Truncate(time.Microsecond)}
}

func (b testBundle) task(t *testing.T, user store.User, next time.Time) task.Task {
	t.Helper()
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: user.ID, Name: "Watch", SearchQuery: "iphone release",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyOnce,
		Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "a@example.com"}},
		State:         task.StateActive, NextRunAt: &next})
	require.NoError(t, err)
	return tk
}

func TestEnsureUserIsIdempotent(t *testing.T) {
	b := setup(t)
	again, err := b.store.EnsureUser(b.ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	require.Equal(t, b.user.ID, again.ID)
	require.Equal(t, "alice@example.com", again.Email, "an identity without email keeps the stored one")
	require.Equal(t, store.RoleUser, again.Role)
}

func TestTasksAreIsolatedByUser(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, tk.Notifications, got.Notifications)

	_, err = b.store.GetTask(b.ctx, b.other.ID, tk.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err := b.store.ListTasks(b.ctx, b.other.ID, store.TaskFilter{Limit: 50})
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = b.store.CreateManualRun(b.ctx, b.other.ID, tk.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = b.store.ListExecutions(b.ctx, b.other.ID, tk.ID, 10, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = b.store.StartExecution(b.ctx, store.StartRun{UserID: b.other.ID, TaskID: tk.ID,
		ScheduledFor: &b.now, Now: b.now, Deadline: b.now.Add(time.Minute)})
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestListTasksPagesNewestFirst(t *testing.T) {
	b := setup(t)
	var ids []uuid.UUID
	for range 5 {
		ids = append([]uuid.UUID{b.task(t, b.user, b.now).ID}, ids...)
	}
	var seen []uuid.UUID
	var after *store.Cursor
	for {
		page, err := b.store.ListTasks(b.ctx, b.user.ID, store.TaskFilter{Limit: 2, After: after})
		require.NoError(t, err)
		for _, tk := range page {
			seen = append(seen, tk.ID)
		}
		if len(page) < 2 {
			break
		}
		last := page[len(page)-1]
		after = &store.Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	require.Equal(t, ids, seen)
	paused, err := b.store.ListTasks(b.ctx, b.user.ID, store.TaskFilter{State: task.StatePaused, Limit: 10})
	require.NoError(t, err)
	require.Empty(t, paused)
}

func TestClaimDueTasksTakesEachOnceAcrossSweepers(t *testing.T) {
	b := setup(t)
	const n = 600
	for range n {
		b.task(t, b.user, b.now.Add(-time.Minute))
	}
	future := b.task(t, b.user, b.now.Add(time.Hour))

	var mu sync.Mutex
	seen := map[uuid.UUID]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				claims, err := b.store.ClaimDueTasks(b.ctx, b.now, b.now.Add(15*time.Minute), 25)
				require.NoError(t, err)
				if len(claims) == 0 {
					return
				}
				mu.Lock()
				for _, c := range claims {
					seen[c.TaskID]++
					require.Equal(t, b.now.Add(-time.Minute), c.ScheduledFor.UTC())
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, seen, n)
	for id, count := range seen {
		require.Equal(t, 1, count, "task %s claimed %d times", id, count)
	}
	require.NotContains(t, seen, future.ID)
	got, err := b.store.GetTask(b.ctx, b.user.ID, b.task(t, b.user, b.now).ID)
	require.NoError(t, err)
	require.NotNil(t, got.NextRunAt)

	// The claim moved every next run to the lease, so nothing is due until it runs out.
	claims, err := b.store.ClaimDueTasks(b.ctx, b.now.Add(14*time.Minute), b.now.Add(30*time.Minute), 1000)
	require.NoError(t, err)
	require.Len(t, claims, 1, "only the task created due at now is still due")
}

func TestOneExecutionPerFire(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	start := store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &b.now, Now: b.now, Deadline: b.now.Add(time.Minute)}
	e, err := b.store.StartExecution(b.ctx, start)
	require.NoError(t, err)
	require.Equal(t, 1, e.Attempt)
	require.Equal(t, task.StatusRunning, e.Status)

	_, err = b.store.StartExecution(b.ctx, start)
	require.ErrorIs(t, err, store.ErrConflict, "a second delivery of a running fire does nothing")

	// A retry is claimable again, as the next attempt of the same row.
	retryBy := b.now.Add(time.Hour)
	_, err = b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
		Attempt: 1, Now: b.now, Status: task.StatusRetrying, Error: "busy", Category: task.CategoryRateLimit, RetryBy: &retryBy})
	require.NoError(t, err)
	e2, err := b.store.StartExecution(b.ctx, start)
	require.NoError(t, err)
	require.Equal(t, e.ID, e2.ID)
	require.Equal(t, 2, e2.Attempt)

	// The superseded first attempt cannot record a result, nor anything that follows from one:
	// its writes travel in one batch, and the conflict rolls back the rest.
	// A run that notifies nobody finishes in one batch, one that notifies in a transaction.
	far := b.now.Add(48 * time.Hour)
	late := "Late news."
	for _, notify := range [][]task.Notification{nil, tk.Notifications} {
		_, err = b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
			Attempt: 1, Now: b.now, Status: task.StatusSuccess, Result: &task.Result{Evidence: "late", Notification: &late},
			Notify: notify, Complete: true, NextRunAt: &far, TaskVersion: tk.UpdatedAt, Usage: task.Usage{CostUSD: 0.5},
			Steps: []task.Step{{Kind: task.StepSearch, At: b.now, Queries: []string{"late"}}}})
		require.ErrorIs(t, err, store.ErrConflict)
		require.ErrorContains(t, err, "Attempt 1 is no longer running.")
	}
	require.NotEmpty(t, tk.Notifications)
	unmoved, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateActive, unmoved.State)
	require.Nil(t, unmoved.LastExecutionID)
	require.NotEqual(t, far, unmoved.NextRunAt.UTC())
	usage, err := b.store.TaskMonthUsage(b.ctx, b.user.ID, tk.ID, b.now)
	require.NoError(t, err)
	require.Zero(t, usage.SpentUSD)
	steps, err := b.store.ExecutionSteps(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Empty(t, steps)

	note := "Announced."
	next := b.now.Add(24 * time.Hour)
	ds, err := b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
		Attempt: 2, Now: b.now, Status: task.StatusSuccess, Result: &task.Result{Evidence: "e", Notification: &note},
		Notify: tk.Notifications, Complete: true, NextRunAt: &next, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	_, err = b.store.StartExecution(b.ctx, start)
	require.ErrorIs(t, err, store.ErrConflict, "a finished fire never runs again")

	got, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StateCompleted, got.State)
	require.Equal(t, next, got.NextRunAt.UTC())
	require.Equal(t, e.ID, *got.LastExecutionID)
}

func TestManualRunConflictsWhileOneIsUnfinished(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now.Add(time.Hour))
	e, err := b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, task.StatusPending, e.Status)
	_, err = b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	var ce *store.ConflictError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, ce.Reason, "in progress")
}

func TestReapAndPendingRuns(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	running, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &b.now,
		Now: b.now, Deadline: b.now.Add(time.Minute)})
	require.NoError(t, err)
	manual, err := b.store.CreateManualRun(b.ctx, b.user.ID, b.task(t, b.user, b.now).ID)
	require.NoError(t, err)

	n, err := b.store.ReapExecutions(b.ctx, b.now)
	require.NoError(t, err)
	require.Zero(t, n, "a run within its deadline is left alone")
	n, err = b.store.ReapExecutions(b.ctx, b.now.Add(2*time.Minute))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	reaped, err := b.store.GetExecution(b.ctx, b.user.ID, running.ID)
	require.NoError(t, err)
	require.Equal(t, task.SilenceFailed, reaped.SilenceReason)

	pending, err := b.store.PendingRuns(b.ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, manual.ID, pending[0].ExecutionID)
}

func TestDeliveriesClaimOnceAndRecordAttempts(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: b.user.ID, TaskID: tk.ID, ScheduledFor: &b.now,
		Now: b.now, Deadline: b.now.Add(time.Minute)})
	require.NoError(t, err)
	note := "x"
	_, err = b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: b.user.ID, TaskID: tk.ID,
		Attempt: 1, Now: b.now, Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: tk.Notifications})
	require.NoError(t, err)

	claimed, err := b.store.ClaimDueDeliveries(b.ctx, b.now, b.now.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, 1, claimed[0].Attempts)
	again, err := b.store.ClaimDueDeliveries(b.ctx, b.now, b.now.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Empty(t, again, "a claimed delivery is hidden until its lease ends")

	retry := b.now.Add(5 * time.Minute)
	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: claimed[0].ID, Number: 1, At: b.now,
		Error: "connection refused", RetryAt: &retry}))
	second, err := b.store.ClaimDueDeliveries(b.ctx, retry, retry.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, second, 1)
	require.Equal(t, 2, second[0].Attempts)
	// A stale record from attempt 1 changes nothing; attempt 2's success delivers.
	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: claimed[0].ID, Number: 1, At: retry, Error: "late"}))
	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: claimed[0].ID, Number: 2, At: retry, OK: true, ResponseCode: 200}))
	ds, err := b.store.ListDeliveries(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
	none, err := b.store.ListDeliveries(b.ctx, b.other.ID, e.ID)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestMigrationsGoDownAndUp(t *testing.T) {
	b := setup(t)
	st, err := b.store.Schema(b.ctx)
	require.NoError(t, err)
	require.True(t, st.UpToDate())
	require.Equal(t, store.LatestVersion(), st.Current)
	require.NoError(t, b.store.CheckSchema(b.ctx))

	require.NoError(t, b.store.MigrateDown(0))
	err = b.store.CheckSchema(b.ctx)
	require.ErrorIs(t, err, store.ErrSchemaBehind)
	require.Contains(t, err.Error(), "torale migrate up")

	require.NoError(t, b.store.MigrateUp())
	require.NoError(t, b.store.MigrateUp(), "a second up is a no-op")
	require.NoError(t, b.store.CheckSchema(b.ctx))
}

// A database nothing has migrated has no schema_migrations table: its schema is version 0,
// behind this build, not an error reading it.
func TestSchemaOfAnUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `DROP TABLE schema_migrations`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	s := storetest.Open(t, url)
	st, err := s.Schema(ctx)
	require.NoError(t, err)
	require.Zero(t, st.Current)
	require.ErrorIs(t, s.CheckSchema(ctx), store.ErrSchemaBehind)
}
