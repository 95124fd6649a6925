package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// ops are the requests the benchmark can load, in the order -op lists them by default; each
// is compared with the store call its handler is built on.
var ops = []string{"list", "get", "create", "run"}

// opPhases returns the api and bare phases of one op.
func opPhases(op string, srv string, st *store.Store, fx fixture, c int) ([]phase, error) {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: c, IdleConnTimeout: 90 * time.Second},
		Timeout:   30 * time.Second,
	}
	var worker atomic.Int64
	// taskOf gives each worker its own tasks (w, w+c, w+2c, ...) in turn, so no two workers
	// run the same task at once.
	taskOf := func() func() uuid.UUID {
		w, n := int(worker.Add(1)-1)%c, 0
		own := max(len(fx.Tasks)/c, 1)
		return func() uuid.UUID {
			id := fx.Tasks[(w+c*(n%own))%len(fx.Tasks)]
			n++
			return id
		}
	}
	switch op {
	case "list":
		return []phase{
			{Name: "api", NewWorker: newAPIOp(srv, fx.Key, c)},
			{Name: "bare", NewWorker: newBareOp(st, fx.UserID)},
		}, nil
	case "get":
		return []phase{
			{Name: "api", NewWorker: func() func(context.Context) error {
				next := taskOf()
				return func(ctx context.Context) error {
					return call(ctx, client, http.MethodGet, srv+"/api/v1/tasks/"+next().String(), fx.Key, nil, http.StatusOK)
				}
			}},
			{Name: "bare", NewWorker: func() func(context.Context) error {
				next := taskOf()
				return func(ctx context.Context) error {
					_, err := st.GetTaskView(ctx, fx.UserID, next(), time.Now())
					return err
				}
			}},
		}, nil
	case "create":
		body := []byte(`{"name":"Created watch","search_query":"release date of the next product",` +
			`"condition_description":"A release date has been announced","schedule":"0 9 * * *","timezone":"UTC",` +
			`"notify_behavior":"once","run_immediately":false}`)
		later := time.Now().AddDate(10, 0, 0)
		return []phase{
			{Name: "api", NewWorker: func() func(context.Context) error {
				return func(ctx context.Context) error {
					return call(ctx, client, http.MethodPost, srv+"/api/v1/tasks", fx.CreatorKey, body, http.StatusCreated)
				}
			}},
			{Name: "bare", NewWorker: func() func(context.Context) error {
				return func(ctx context.Context) error {
					_, err := st.CreateTaskCapped(ctx, uuid.New(), store.NewTask{UserID: fx.CreatorID, Name: "Created watch",
						SearchQuery: "release date of the next product", ConditionDescription: "A release date has been announced",
						Schedule: "0 9 * * *", Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive,
						NextRunAt: &later}, 1_000_000_000)
					return err
				}
			}},
		}, nil
	case "run":
		return []phase{
			{Name: "api", NewWorker: func() func(context.Context) error {
				next := taskOf()
				return func(ctx context.Context) error {
					return call(ctx, client, http.MethodPost, srv+"/api/v1/tasks/"+next().String()+"/run?force=true", fx.Key, nil,
						http.StatusAccepted)
				}
			}},
			{Name: "bare", NewWorker: func() func(context.Context) error {
				next := taskOf()
				return func(ctx context.Context) error {
					id := next()
					if _, err := st.CancelRuns(ctx, fx.UserID, id, time.Now()); err != nil {
						return err
					}
					_, err := st.CreateManualRun(ctx, fx.UserID, id)
					return err
				}
			}},
		}, nil
	}
	return nil, fmt.Errorf("-op %q: want one or more of %s", op, strings.Join(ops, ","))
}

// call sends one request with the API key and checks its status; the body is read and dropped.
func call(ctx context.Context, client *http.Client, method, url, key string, body []byte, want int) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %.200s", method, url, res.StatusCode, b.Bytes())
	}
	return nil
}
