package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// TestUnstorableTextIsErrInvalidText is the backstop of issue 11: a string PostgreSQL refuses
// (NUL or invalid UTF-8 in text, \u0000 in jsonb) comes back as store.ErrInvalidText, which the
// API answers with a 422, never as a raw driver error and a 500.
func TestUnstorableTextIsErrInvalidText(t *testing.T) {
	b := setup(t)
	for _, bad := range []string{"nul\x00byte", "not \xff utf-8"} {
		_, err := b.store.CreateAPIKey(b.ctx, b.user.ID, bad, "tor_abcdefgh", make([]byte, 32))
		require.ErrorIs(t, err, store.ErrInvalidText, "API key name %q", bad)
		require.ErrorIs(t, b.store.DeleteEmail(b.ctx, b.user.ID, bad), store.ErrInvalidText, "email %q", bad)
		require.ErrorIs(t, b.store.EnableWebhookURL(b.ctx, b.user.ID, "https://x.example/"+bad), store.ErrInvalidText)
	}
	next := b.now.Add(time.Hour)
	_, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Watch", SearchQuery: "iphone release",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyOnce,
		Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "a\x00@example.com"}},
		State:         task.StateActive, NextRunAt: &next})
	require.ErrorIs(t, err, store.ErrInvalidText, "a NUL in a jsonb document")
	keys, err := b.store.ListAPIKeys(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Empty(t, keys)
}
