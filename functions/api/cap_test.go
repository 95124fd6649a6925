package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Through the HTTP API, twenty concurrent requests at the active cap less one (setup's cap is
// 5) let exactly one through; the others get the cap's 409 problem. The admin's state change
// is held to the owner's cap like the owner's own.
func TestActiveCapHoldsUnderConcurrentRequests(t *testing.T) {
	paths := []struct {
		name    string
		prepare bool // the racers act on paused tasks of their own
		user    string
		method  string
		path    func(id string) string
		body    string
	}{
		{name: "create", user: "alice", method: "POST", path: func(string) string { return "/api/v1/tasks" },
			body: `{"search_query":"racing watch"}`},
		{name: "resume", prepare: true, user: "alice", method: "POST", path: func(id string) string { return "/api/v1/tasks/" + id + "/resume" }},
		{name: "patch", prepare: true, user: "alice", method: "PATCH", path: func(id string) string { return "/api/v1/tasks/" + id },
			body: `{"state":"active"}`},
		{name: "admin", prepare: true, user: "root", method: "POST", path: func(id string) string { return "/api/v1/admin/tasks/" + id + "/state" },
			body: `{"state":"active"}`},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			root, err := b.store.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:root"})
			require.NoError(t, err)
			require.NoError(t, b.store.SetUserRole(context.Background(), root.ID, store.RoleAdmin))
			// Seeded through the store: the API's create rate limit (a burst of 20) is for the racers.
			alice, err := b.store.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:alice"})
			require.NoError(t, err)
			ids := make([]string, 20)
			for i := range ids {
				if p.prepare {
					ids[i] = seed(t, b.store, alice.ID, task.StatePaused, i)
				}
			}
			for i := range 4 {
				seed(t, b.store, alice.ID, task.StateActive, 100+i)
			}

			statuses := make([]int, len(ids))
			details := make([]string, len(ids))
			var wg sync.WaitGroup
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i], details[i] = send(b.srv.URL, p.user, p.method, p.path(ids[i]), p.body)
				}()
			}
			wg.Wait()

			ok := 0
			for i, st := range statuses {
				if st < 300 {
					ok++
					continue
				}
				require.Equal(t, http.StatusConflict, st, details[i])
				require.Equal(t, "You have 5 active tasks, the most allowed; pause or complete one first.", details[i])
			}
			require.Equal(t, 1, ok, "exactly one request takes the last place")
		})
	}
}

func seed(t *testing.T, s *store.Store, userID uuid.UUID, state task.State, i int) string {
	t.Helper()
	tk, err := s.CreateTask(context.Background(), store.NewTask{UserID: userID, Name: fmt.Sprintf("watch %d", i),
		SearchQuery: fmt.Sprintf("watch %d", i), ConditionDescription: "anything", Timezone: "UTC",
		NotifyBehavior: task.NotifyOnce, State: state})
	require.NoError(t, err)
	return tk.ID.String()
}

// send makes one request as user and returns its status and, for a problem, its detail. It
// reports failures in the result, since it runs off the test's goroutine.
func send(base, user, method, path, body string) (int, string) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set(auth.DevUserHeader, user)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	var problem struct {
		Detail string `json:"detail"`
	}
	_ = json.NewDecoder(res.Body).Decode(&problem)
	return res.StatusCode, problem.Detail
}
