package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
)

// phase is one side of the comparison. NewWorker is called once per concurrent worker and
// returns the worker's unit of work: one request or query, which returns nil only when the
// answer came back and was checked.
type phase struct {
	Name      string
	NewWorker func() func(ctx context.Context) error
}

// result is what one or more timed runs of a phase did. Latencies are of the successful
// units only; Elapsed is wall time, summed over runs.
type result struct {
	OK         int
	Errors     int
	FirstError string
	Elapsed    time.Duration
	CPU        cpuTimes
	Latencies  []time.Duration
}

// merge adds another run's counts, time and latencies to r.
func (r *result) merge(o result) {
	r.OK += o.OK
	r.Errors += o.Errors
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
	r.Elapsed += o.Elapsed
	r.CPU.Self += o.CPU.Self
	r.CPU.Machine += o.CPU.Machine
	r.Latencies = append(r.Latencies, o.Latencies...)
}

// drive runs c workers of p in a closed loop, each starting units until d has passed, and
// returns what they did; Elapsed and CPU run until the last unit in flight has finished. The
// workers carry the pprof label phase=NAME.
func drive(ctx context.Context, p phase, c int, d time.Duration) result {
	parts := make([]result, c)
	var wg sync.WaitGroup
	cpu := readCPU()
	start := time.Now()
	deadline := start.Add(d)
	pprof.Do(ctx, pprof.Labels("phase", p.Name), func(ctx context.Context) {
		for i := range c {
			do := p.NewWorker()
			wg.Go(func() { parts[i] = work(ctx, do, deadline) })
		}
	})
	wg.Wait()
	r := result{Elapsed: time.Since(start), CPU: readCPU().sub(cpu)}
	for _, part := range parts {
		r.merge(part)
	}
	return r
}

// work runs do back to back until the deadline passes or ctx ends.
func work(ctx context.Context, do func(context.Context) error, deadline time.Time) result {
	r := result{Latencies: make([]time.Duration, 0, 4096)}
	for ctx.Err() == nil {
		t0 := time.Now()
		if !t0.Before(deadline) {
			break
		}
		if err := do(ctx); err != nil {
			r.Errors++
			if r.FirstError == "" {
				r.FirstError = err.Error()
			}
			continue
		}
		r.Latencies = append(r.Latencies, time.Since(t0))
		r.OK++
	}
	return r
}

// fullCheckEvery is how often a worker decodes an answer in full with encoding/json (its
// first answer and every so many after); the others are only counted by countTasks, which
// costs the load generator a small fraction of the CPU a decode would take from the server it
// shares the machine with.
const fullCheckEvery = 64

// newAPIOp returns workers that GET a page of pageSize tasks with the API key, over one
// keep-alive client shared by all c of them, and check that the answer is a 200 holding a full
// page (and, when decoded in full, a cursor to the next page).
func newAPIOp(baseURL, key string, c int) func() func(context.Context) error {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: c, IdleConnTimeout: 90 * time.Second},
		Timeout:   30 * time.Second,
	}
	url := fmt.Sprintf("%s/api/v1/tasks?limit=%d", baseURL, pageSize)
	auth := "Bearer " + key
	return func() func(context.Context) error {
		var body bytes.Buffer
		var n int
		return func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", auth)
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			body.Reset()
			_, err = body.ReadFrom(res.Body)
			res.Body.Close()
			if err != nil {
				return fmt.Errorf("reading the answer: %w", err)
			}
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d: %.200s", res.StatusCode, body.Bytes())
			}
			n++
			if n%fullCheckEvery == 1 {
				return checkPage(body.Bytes())
			}
			count, err := countTasks(body.Bytes())
			if err != nil {
				return err
			}
			if count != pageSize {
				return fmt.Errorf("page holds %d tasks, want %d", count, pageSize)
			}
			return nil
		}
	}
}

// checkPage decodes a list answer in full and checks it holds pageSize tasks and a cursor to
// the next page.
func checkPage(b []byte) error {
	var page struct {
		Data       []struct{} `json:"data"`
		NextCursor *string    `json:"next_cursor"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return fmt.Errorf("decoding the page: %w", err)
	}
	if len(page.Data) != pageSize {
		return fmt.Errorf("page holds %d tasks, want %d", len(page.Data), pageSize)
	}
	if page.NextCursor == nil {
		return errors.New("page has no next_cursor")
	}
	return nil
}

// taskKey occurs once in each task of a list answer and nowhere else: in valid JSON a quote
// inside a string is escaped, so `"search_query":` can only be that key.
const taskKey = `"search_query":`

// countTasks counts the tasks in a list answer by their search_query keys, a SIMD byte search
// far cheaper than decoding; a body that does not end its top-level object is an error.
func countTasks(b []byte) (int, error) {
	if !bytes.HasSuffix(bytes.TrimRight(b, " \n"), []byte("}")) {
		return 0, errors.New("page is truncated")
	}
	return bytes.Count(b, []byte(taskKey)), nil
}

// newBareOp returns workers that run the handler's own query, (*store.Store).ListTaskViews with
// the handler's limit+1, and check that it returned pageSize+1 rows.
func newBareOp(st *store.Store, userID uuid.UUID) func() func(context.Context) error {
	return func() func(context.Context) error {
		return func(ctx context.Context) error {
			tasks, err := st.ListTaskViews(ctx, userID, store.TaskFilter{Limit: pageSize + 1}, time.Now())
			if err != nil {
				return err
			}
			if len(tasks) != pageSize+1 {
				return fmt.Errorf("query returned %d tasks, want %d", len(tasks), pageSize+1)
			}
			return nil
		}
	}
}
