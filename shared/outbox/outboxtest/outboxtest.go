// Package outboxtest writes notified runs into a real store, so that the outbox and every
// channel's tests start from the rows the runner would have left, and gives them one message
// that tries what agent text can try (HTML, script, a javascript: link).
package outboxtest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Notified writes a notified run of a new task for a new user, with one outbox row per
// channel, and returns the user and the run.
func Notified(t testing.TB, s *store.Store, now time.Time, channels ...task.Notification) (store.User, task.Execution) {
	t.Helper()
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:" + uuid.NewString()[:8]})
	require.NoError(t, err)
	tk, err := s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "w", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, Notifications: channels, State: task.StateActive, NextRunAt: &now})
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	note := "news"
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: channels})
	require.NoError(t, err)
	return u, e
}

// Run records a notified run of tk at now, like the runner, and returns it.
func Run(t testing.TB, s *store.Store, tk task.Task, now time.Time) task.Execution {
	t.Helper()
	ctx := context.Background()
	e, err := s.StartExecution(ctx, store.StartRun{UserID: tk.UserID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	note := "more news"
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: tk.UserID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: tk.Notifications})
	require.NoError(t, err)
	return e
}

// TrickyMessage is a run whose agent text tries HTML, script and a javascript: link; the
// channels' golden files are made from it.
func TrickyMessage() outbox.Message {
	taskID := uuid.MustParse("7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11")
	note := "Apple announced the **iPhone 18** release date: <b>September 18</b>.\n\n<script>alert('x')</script> Pre-orders open Friday."
	finished := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	return outbox.Message{
		Delivery: task.Delivery{ID: uuid.MustParse("0d9c1c5e-2f40-4c55-8a7a-0c1b2d3e4f50"), Target: "me@example.com", Channel: task.ChannelEmail},
		Task:     task.Task{ID: taskID, Name: "iPhone 18\nrelease <date>", SearchQuery: "next iPhone release date"},
		Execution: task.Execution{ID: uuid.MustParse("5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"), TaskID: taskID, FinishedAt: &finished,
			Result: &task.Result{Notification: &note, Evidence: "Apple's newsroom says so & the \"keynote\" confirmed it.", Confidence: 93,
				Sources: []task.Source{
					{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"},
					{URL: "javascript:alert(1)", Title: "evil"},
					{URL: "https://example.com/a?b=1&c=<2>", Title: ""},
				}}},
	}
}

// Keys returns the notify key the channel tests sign webhooks and derive unsubscribe tokens
// with; a fixed key keeps their golden files stable.
func Keys(t testing.TB) *notifykey.Keys {
	t.Helper()
	k, err := notifykey.New("test-notify-key-0123456789abcdef-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	return k
}
