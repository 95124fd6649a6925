package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// The jsonb columns keep the shape rows have always had, whatever happens to the task
// package's json tags: these are the exact keys stored, and rows written in that shape (by
// earlier builds) read back whole.
func TestJSONBColumnsKeepTheirStoredShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	raw, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close(ctx) })
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:jsonb"})
	require.NoError(t, err)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

	notifications := []task.Notification{{Type: task.ChannelEmail, Address: "a@example.com"},
		{Type: task.ChannelWebhook, URL: "https://hooks.example.com/x"}}
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways,
		Notifications: notifications, State: task.StateActive, NextRunAt: &now})
	require.NoError(t, err)
	require.Equal(t, notifications, tk.Notifications)
	requireJSON(t, raw, `SELECT notifications FROM tasks WHERE id = $1`, tk.ID,
		`[{"type": "email", "address": "a@example.com"}, {"type": "webhook", "url": "https://hooks.example.com/x"}]`)

	note, next := "Announced.", now.Add(time.Hour)
	result := task.Result{Evidence: "Found it.", Sources: []task.Source{{URL: "https://apple.com", Title: "Apple"}},
		Confidence: 90, Notification: &note, NextRun: &next, Topic: "iPhone"}
	e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &result, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	requireJSON(t, raw, `SELECT result FROM executions WHERE id = $1`, e.ID,
		`{"evidence": "Found it.", "sources": [{"url": "https://apple.com", "title": "Apple"}], "confidence": 90,
		  "notification": "Announced.", "next_run": "2026-11-29T10:00:00Z", "topic": "iPhone"}`)
	got, err := s.GetExecution(ctx, u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, result.Evidence, got.Result.Evidence)
	require.Equal(t, result.Sources, got.Result.Sources)
	require.Equal(t, *result.Notification, *got.Result.Notification)
	require.True(t, result.NextRun.Equal(*got.Result.NextRun))
	require.Equal(t, result.Topic, got.Result.Topic)

	// A result without sources stores them as [], and a null result stays null.
	_, err = raw.Exec(ctx, `UPDATE executions SET result = '{"evidence": "old", "sources": null, "confidence": 5,
		"notification": null, "next_run": null, "topic": ""}' WHERE id = $1`, e.ID)
	require.NoError(t, err)
	got, err = s.GetExecution(ctx, u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, &task.Result{Evidence: "old", Confidence: 5}, got.Result)
	recent, err := s.RecentResults(ctx, u.ID, tk.ID, 5)
	require.NoError(t, err)
	require.Equal(t, []task.Result{{Evidence: "old", Confidence: 5}}, recent)

	// An empty notification list is stored as [] and read as an empty list.
	up, err := s.UpdateTask(ctx, u.ID, tk.ID, func(_ context.Context, cur task.Task) (task.Task, error) {
		cur.Notifications = nil
		return cur, nil
	})
	require.NoError(t, err)
	require.Equal(t, []task.Notification{}, up.Notifications)
	requireJSON(t, raw, `SELECT notifications FROM tasks WHERE id = $1`, tk.ID, `[]`)
}

// requireJSON compares the stored JSON of one column with want, as values: keys and shapes, not
// spacing or key order.
func requireJSON(t *testing.T, conn *pgx.Conn, query string, id any, want string) {
	t.Helper()
	var stored []byte
	require.NoError(t, conn.QueryRow(context.Background(), query, id).Scan(&stored))
	var got, expected any
	require.NoError(t, json.Unmarshal(stored, &got))
	require.NoError(t, json.Unmarshal([]byte(want), &expected))
	require.Equal(t, expected, got, "stored: %s", stored)
}
