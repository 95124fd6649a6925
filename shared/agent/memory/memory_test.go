package memory_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/memory"
	"github.com/torale-ai/torale/shared/agent/memory/mem0test"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// remembering is what the runner needs from either memory.
type remembering interface {
	Recall(ctx context.Context, t task.Task) ([]string, error)
	Remember(ctx context.Context, userID, taskID, executionID uuid.UUID, facts []string) error
}

var (
	_ remembering = (*memory.Postgres)(nil)
	_ remembering = (*memory.Mem0)(nil)
)

func TestMem0RoundTripAndScope(t *testing.T) {
	srv := mem0test.New(t, "m0-test")
	m := memory.NewMem0("m0-test", srv.URL, nil)
	ctx := context.Background()
	user, taskA, taskB, exec := uuid.New(), uuid.New(), uuid.New(), uuid.New()

	require.NoError(t, m.Remember(ctx, user, taskA, exec, []string{"iPhone 18 ships on 18 September.", " "}))
	require.NoError(t, m.Remember(ctx, user, taskB, exec, []string{"Another task's fact."}))

	facts, err := m.Recall(ctx, task.Task{ID: taskA, UserID: user, SearchQuery: "iPhone 18 release date"})
	require.NoError(t, err)
	require.Equal(t, []string{"iPhone 18 ships on 18 September."}, facts, "a task sees only its own memories")

	adds := srv.Adds()
	require.Len(t, adds, 2, "blank facts are not sent")
	require.Equal(t, memory.Mem0Add{Messages: []memory.Mem0Message{{Role: "assistant", Content: "iPhone 18 ships on 18 September."}},
		UserID: user.String(), AppID: taskA.String(), Infer: false,
		Metadata: map[string]any{"execution_id": exec.String(), "source": "torale"}}, adds[0])
	s := srv.Searches()[0]
	require.Equal(t, "iPhone 18 release date", s.Query)
	require.Equal(t, 50, s.TopK)
	require.Equal(t, map[string]any{"AND": []any{map[string]any{"user_id": user.String()}, map[string]any{"app_id": taskA.String()}}}, s.Filters)
}

func TestMem0Errors(t *testing.T) {
	srv := mem0test.New(t, "m0-test")
	ctx := context.Background()
	_, err := memory.NewMem0("wrong", srv.URL, nil).Recall(ctx, task.Task{ID: uuid.New(), UserID: uuid.New(), SearchQuery: "q"})
	require.ErrorContains(t, err, "HTTP 401")
	srv.FailNext(1)
	err = memory.NewMem0("m0-test", srv.URL, nil).Remember(ctx, uuid.New(), uuid.New(), uuid.New(), []string{"x"})
	require.ErrorContains(t, err, "HTTP 503")
}

// Mem0 has answered searches in three shapes; all are read, and a memory outside the asked scope
// is never used even if the server returns it.
func TestMem0SearchShapes(t *testing.T) {
	user, tk := uuid.New(), uuid.New()
	for name, body := range map[string]string{
		"list":     `[{"id":"1","memory":"a","user_id":"` + user.String() + `"}]`,
		"results":  `{"results":[{"id":"1","memory":"a"},{"id":"2","memory":"leak","user_id":"someone-else"}]}`,
		"memories": `{"memories":[{"id":"1","memory":"a","app_id":"` + tk.String() + `"}]}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		facts, err := memory.NewMem0("k", srv.URL, nil).Recall(context.Background(), task.Task{ID: tk, UserID: user, SearchQuery: "q"})
		srv.Close()
		require.NoError(t, err, name)
		require.Equal(t, []string{"a"}, facts, name)
	}
}

func TestPostgresMemory(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:mem"})
	require.NoError(t, err)
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive})
	require.NoError(t, err)
	m := memory.NewPostgres(s, time.Now)
	require.NoError(t, m.Remember(ctx, u.ID, tk.ID, uuid.New(), []string{"fact one"}))
	facts, err := m.Recall(ctx, tk)
	require.NoError(t, err)
	require.Equal(t, []string{"fact one"}, facts)

	// Behind the gate the facts come with the task, in the same order as read alone.
	require.NoError(t, m.Remember(ctx, u.ID, tk.ID, uuid.New(), []string{"fact two"}))
	gated, _, err := s.GetTaskRunAlive(ctx, u.ID, tk.ID, nil, nil, time.Now())
	require.NoError(t, err)
	require.Equal(t, []string{"fact two", "fact one"}, gated.RunReads.Facts)
	facts, err = m.Recall(ctx, tk)
	require.NoError(t, err)
	require.Equal(t, gated.RunReads.Facts, facts)
	gated.RunReads.Facts = []string{"what the gate read"}
	facts, err = m.Recall(ctx, gated)
	require.NoError(t, err)
	require.Equal(t, []string{"what the gate read"}, facts, "the gate's read is used, not read again")
}
