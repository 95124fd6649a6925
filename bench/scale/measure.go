package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store"
)

// figures are what one scale measures.
type figures struct {
	Size                   size
	Seed                   time.Duration
	List, Get, Runs, Inbox latency
	ClaimRate              float64 // tasks claimed a second
	ReconcileReads         time.Duration
	RetentionBatch         time.Duration // one statement of store.RetentionBatch runs
	RetentionDeleted       int
	Steps                  latency       // GET /executions/{id}, a run with its trail
	FindingsBatch          time.Duration // one statement of store.RetentionBatch findings
	FindingsDeleted        int
	Findings               int64 // rows in findings after seeding
	DatabaseBytes          int64
}

// latency is a request's p50 and p99 over the timed requests.
type latency struct{ P50, P99 time.Duration }

// caller is one user the load acts as: its API key and some of its tasks.
type caller struct {
	key   string
	tasks []uuid.UUID
	runs  []uuid.UUID // runs of its tasks, for GET /executions/{id}
}

// callers gives the first n users an API key each and reads their task ids.
func callers(ctx context.Context, st *store.Store, conn *pgx.Conn, n int) ([]caller, error) {
	rows, err := conn.Query(ctx, `SELECT id FROM users ORDER BY external_id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	var out []caller
	for _, u := range users {
		key, prefix, hash, err := auth.NewAPIKey()
		if err != nil {
			return nil, err
		}
		if _, err := st.CreateAPIKey(ctx, u, "scale", prefix, hash); err != nil {
			return nil, err
		}
		rows, err := conn.Query(ctx, `SELECT id FROM tasks WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50`, u)
		if err != nil {
			return nil, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return nil, err
		}
		rows, err = conn.Query(ctx, `SELECT id FROM executions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50`, u)
		if err != nil {
			return nil, err
		}
		runs, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return nil, err
		}
		out = append(out, caller{key: key, tasks: ids, runs: runs})
	}
	return out, nil
}

// load sends requests GETs at concurrency c, the path of request i made by pathOf, each as a
// caller in turn; the first c are a warm-up and not timed. Any answer but 200 fails it.
func load(ctx context.Context, baseURL string, cs []caller, requests, c int, pathOf func(i int, cl caller) string) (latency, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	defer client.CloseIdleConnections()
	took := make([]time.Duration, requests+c)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(took) || ctx.Err() != nil {
					return
				}
				cl := cs[i%len(cs)]
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+pathOf(i, cl), nil)
				req.Header.Set("Authorization", "Bearer "+cl.key)
				start := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s answered %s", req.URL.Path, resp.Status)
					}
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				took[i] = time.Since(start)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return latency{}, firstErr
	}
	timed := took[c:]
	sort.Slice(timed, func(a, b int) bool { return timed[a] < timed[b] })
	return latency{P50: timed[len(timed)/2], P99: timed[len(timed)*99/100]}, nil
}

// claimRate claims every due task in batches of 500, as the sweep does, and returns tasks a
// second.
func claimRate(ctx context.Context, st *store.Store) (float64, error) {
	now := time.Now()
	start, claimed := time.Now(), 0
	for {
		c, err := st.ClaimDueTasks(ctx, now, now.Add(time.Hour), 500)
		if err != nil {
			return 0, err
		}
		if len(c) == 0 {
			break
		}
		claimed += len(c)
	}
	if claimed != dueTasks {
		return 0, fmt.Errorf("claimed %d tasks, want %d", claimed, dueTasks)
	}
	return float64(claimed) / time.Since(start).Seconds(), nil
}

// reconcileReads times what a sweep-mode reconcile pass reads from the database: the stale and
// the overdue tasks (the pass's other work is with Cloud Scheduler, not the database).
func reconcileReads(ctx context.Context, st *store.Store) (time.Duration, error) {
	start := time.Now()
	if _, err := st.StaleNextRuns(ctx, time.Now(), 500); err != nil {
		return 0, err
	}
	if _, err := st.OverdueTasks(ctx, time.Now().Add(-15*time.Minute), 500); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// findingsBatches runs n single-statement findings retention batches at the default 30 days
// and returns the mean time of one, and how many findings they deleted.
func findingsBatches(ctx context.Context, st *store.Store, n int) (time.Duration, int, error) {
	start, deleted := time.Now(), 0
	for range n {
		d, err := st.DeleteExpiredFindings(ctx, time.Now().Add(-30*24*time.Hour), store.RetentionBatch, 1)
		if err != nil {
			return 0, deleted, err
		}
		deleted += d
	}
	return time.Since(start) / time.Duration(n), deleted, nil
}

// retentionBatches runs n single-statement retention batches at the default retention and
// returns the mean time of one, and how many runs they deleted.
func retentionBatches(ctx context.Context, st *store.Store, n int) (time.Duration, int, error) {
	start, deleted := time.Now(), 0
	for range n {
		d, err := st.DeleteExpiredRuns(ctx, time.Now().Add(-8760*time.Hour), store.RetentionBatch, 1)
		if err != nil {
			return 0, deleted, err
		}
		deleted += d
	}
	return time.Since(start) / time.Duration(n), deleted, nil
}
