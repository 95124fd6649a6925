package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// seed writes n notified runs of one user, each of its own task posting to url(i), due now, and
// returns their outbox rows in the order written.
func seed(ctx context.Context, st *store.Store, who string, n int, url func(i int) string) ([]uuid.UUID, error) {
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:" + who})
	if err != nil {
		return nil, fmt.Errorf("seeding %s: %w", who, err)
	}
	var ids []uuid.UUID
	note := "news"
	for i := range n {
		now := time.Now()
		hooks := []task.Notification{{Type: task.ChannelWebhook, URL: url(i)}}
		tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: fmt.Sprintf("%s %d", who, i), SearchQuery: "query",
			ConditionDescription: "c", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, Notifications: hooks})
		if err != nil {
			return nil, fmt.Errorf("seeding %s: %w", who, err)
		}
		e, err := st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Hour)})
		if err != nil {
			return nil, fmt.Errorf("seeding %s: %w", who, err)
		}
		if _, err := st.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
			Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: hooks}); err != nil {
			return nil, fmt.Errorf("seeding %s: %w", who, err)
		}
		ds, err := st.ListDeliveries(ctx, u.ID, e.ID)
		if err != nil {
			return nil, fmt.Errorf("seeding %s: %w", who, err)
		}
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
	}
	return ids, nil
}
