package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

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

// fixture is the user the load acts as and the API key it sends.
type fixture struct {
	UserID uuid.UUID
	Key    string
}

// seed makes one user with an API key and seedTasks active tasks due in ten years, so the
// sweep never takes them.
func seed(ctx context.Context, st *store.Store) (fixture, error) {
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
	for i := range seedTasks {
		_, err := st.CreateTask(ctx, store.NewTask{
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
	}
	return fixture{UserID: u.ID, Key: key}, nil
}
