package schedule_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/eventtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func TestThreeSweepersTriggerTenThousandDueTasksOnceEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 10})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:sweep"})
	require.NoError(t, err)

	// Seed in one statement: 10,000 tasks due over the last three hours, and one due later.
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	const n = 10000
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description, state, next_run_at)
		SELECT $1, 'Watch ' || g, 'iphone release date', 'announced', 'active', $2::timestamptz - g * interval '1 second'
		FROM generate_series(1, $3::int) g`, u.ID, now, n)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description, state, next_run_at)
		VALUES ($1, 'Later', 'iphone release date', 'announced', 'active', $2)`, u.ID, now.Add(time.Minute))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `ANALYZE tasks`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))

	pubs := make([]*eventtest.Recorder, 3)
	var wg sync.WaitGroup
	counts := make([]int, 3)
	for i := range pubs {
		pubs[i] = &eventtest.Recorder{}
		s := schedule.NewSweeper(st, pubs[i], func() time.Time { return now }, logging.Discard(), schedule.SweepConfig{Batch: 100})
		wg.Go(func() {
			c, err := s.Sweep(ctx)
			require.NoError(t, err)
			counts[i] = c
		})
	}
	wg.Wait()

	seen := map[uuid.UUID]int{}
	for i, p := range pubs {
		msgs := p.Messages(event.TopicRunTask)
		require.Len(t, msgs, counts[i])
		for _, b := range msgs {
			m, err := event.DecodeRunTask(b)
			require.NoError(t, err)
			require.NotNil(t, m.ScheduledFor)
			require.True(t, m.ScheduledFor.Before(now), "only due tasks")
			seen[m.TaskID]++
		}
	}
	require.Len(t, seen, n, "every due task triggered")
	for id, c := range seen {
		require.Equal(t, 1, c, "task %s triggered %d times", id, c)
	}
	racing := 0
	for _, c := range counts {
		if c > 0 {
			racing++
		}
	}
	require.GreaterOrEqual(t, racing, 2, "the sweepers raced: %v", counts)
}

type countingReaper struct{ calls int }

func (r *countingReaper) Reap(context.Context) (int, error) { r.calls++; return 0, nil }

// Every sweep reaps first, so a dead run is retried within a sweep interval of its deadline,
// not at the next reconcile pass.
func TestEverySweepReaps(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	r := &countingReaper{}
	s := schedule.NewSweeper(st, &eventtest.Recorder{}, time.Now, logging.Discard(), schedule.SweepConfig{Reaper: r})
	for range 3 {
		_, err := s.Sweep(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, 3, r.calls)
}
