package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// seedTasks is how many tasks the benchmark user owns: enough that a page of 50 is full and
// has a next page, as the API's limit+1 query expects.
const seedTasks = 200

// pageSize is the page the API is asked for; the bare query fetches pageSize+1 rows, as the
// handler does to learn whether a next page exists.
const pageSize = 50

// runsPerTask is how many finished runs each seeded task has, the newest its last execution,
// so a list reads the latest run, the month's spend and the silence summary of every task.
const runsPerTask = 10

// fixture is the user the load acts as, the API key it sends and its tasks; creates act as a
// user of their own, so the tasks they make stay out of the pages listed.
type fixture struct {
	UserID     uuid.UUID
	Key        string
	Tasks      []uuid.UUID
	CreatorID  uuid.UUID
	CreatorKey string
}

// seed makes one user with an API key and seedTasks active tasks due in ten years, so the
// sweep never takes them, each with runsPerTask finished runs over the last days (every third
// notified, the others silent for a reason), and a second user with a key for creates.
func seed(ctx context.Context, st *store.Store, dbURL string) (fixture, error) {
	fx, err := seedUser(ctx, st)
	if err != nil {
		return fixture{}, err
	}
	creator, err := seedUser(ctx, st)
	if err != nil {
		return fixture{}, err
	}
	fx.CreatorID, fx.CreatorKey = creator.UserID, creator.Key
	err = benchdb.Exec(ctx, dbURL, `INSERT INTO executions (task_id, user_id, scheduled_for, trigger, status, attempt,
			created_at, started_at, finished_at, result, model, prompt_tokens, output_tokens, search_queries, cost_usd, silence_reason)
		SELECT t.id, t.user_id, at, 'schedule', 'success', 1, at, at, at + interval '20 seconds',
			jsonb_build_object('evidence', 'Nothing announced yet; the vendor page lists no date.', 'confidence', 80,
				'sources', jsonb_build_array(jsonb_build_object('url', 'https://example.com/news/' || k, 'title', 'News')),
				'notification', CASE WHEN k % 3 = 0 THEN 'A date was announced.' END),
			'gemini', 1200, 300, 1, 0.0012, CASE WHEN k % 3 <> 0 THEN 'nothing_new' END
		FROM tasks t CROSS JOIN generate_series(1, $1::int) k,
			LATERAL (SELECT now() - k * interval '2 hours' AS at) a
		WHERE t.user_id = $2`, runsPerTask, fx.UserID)
	if err != nil {
		return fixture{}, fmt.Errorf("seeding runs: %w", err)
	}
	err = benchdb.Exec(ctx, dbURL, `UPDATE tasks t SET last_execution_id = e.id, last_run_at = e.finished_at
		FROM executions e WHERE e.task_id = t.id
		  AND e.created_at = (SELECT max(created_at) FROM executions l WHERE l.task_id = t.id)`)
	if err != nil {
		return fixture{}, fmt.Errorf("seeding the latest runs: %w", err)
	}
	return fx, nil
}

// seedUser makes a user with an API key and seedTasks tasks.
func seedUser(ctx context.Context, st *store.Store) (fixture, error) {
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "apiload:" + uuid.NewString()[:8]})
	if err != nil {
		return fixture{}, fmt.Errorf("seeding the user: %w", err)
	}
	key, prefix, hash, err := auth.NewAPIKey()
	if err != nil {
		return fixture{}, err
	}
	if _, err := st.CreateAPIKey(ctx, u.ID, "apiload", prefix, hash); err != nil {
		return fixture{}, fmt.Errorf("seeding the API key: %w", err)
	}
	later := time.Now().AddDate(10, 0, 0)
	var ids []uuid.UUID
	for i := range seedTasks {
		t, err := st.CreateTask(ctx, store.NewTask{
			UserID:               u.ID,
			Name:                 fmt.Sprintf("Load watch %03d", i),
			SearchQuery:          fmt.Sprintf("release date of product number %d", i),
			ConditionDescription: "A release date has been announced",
			Schedule:             "0 9 * * *",
			Timezone:             "UTC",
			NotifyBehavior:       task.NotifyOnce,
			State:                task.StateActive,
			NextRunAt:            &later,
		})
		if err != nil {
			return fixture{}, fmt.Errorf("seeding task %d: %w", i, err)
		}
		ids = append(ids, t.ID)
	}
	return fixture{UserID: u.ID, Key: key, Tasks: ids}, nil
}
