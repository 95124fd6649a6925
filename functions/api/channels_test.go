package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

func TestChannelsShowSecretsMaskedAndTasksNameThemByID(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	const key = "K3ySecretWebhookPart"
	in := contract.ChannelInput{Kind: "slack", Name: "Team", IsDefault: true,
		Settings: map[string]string{"webhook_url": "https://hooks.slack.com/services/T1/B1/" + key}}
	ch, err := alice.CreateChannel(ctx, in)
	require.NoError(t, err)
	require.Equal(t, "••••Part", ch.Settings["webhook_url"])

	kinds, err := alice.ListChannelKinds(ctx)
	require.NoError(t, err)
	var names []string
	for _, k := range kinds {
		names = append(names, k.Kind)
	}
	require.Subset(t, names, []string{"discord", "ntfy", "slack", "telegram"})

	// Every answer that shows the channel or a task naming it holds no part of the secret.
	tk, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: "news",
		Notifications: []contract.Notification{{Type: task.ChannelChat, ChannelID: ch.ID.String()}, {Type: task.ChannelChat}}})
	require.NoError(t, err)
	for _, path := range []string{"/api/v1/channels", "/api/v1/channels/" + ch.ID.String(), "/api/v1/tasks/" + tk.ID.String(), "/api/v1/tasks"} {
		r := b.do(t, "alice", "GET", path, "")
		require.Equal(t, http.StatusOK, r.status, path)
		raw, _ := json.Marshal(r.body)
		require.NotContains(t, string(raw), key, path)
		require.NotContains(t, string(raw), "hooks.slack.com", path)
	}
	require.Equal(t, ch.ID.String(), tk.Notifications[0].ChannelID)

	// Bob cannot name Alice's channel, nor a malformed id.
	bob := b.client(t, client.WithDevUser("bob"))
	_, err = bob.CreateTask(ctx, contract.TaskInput{SearchQuery: "news",
		Notifications: []contract.Notification{{Type: task.ChannelChat, ChannelID: ch.ID.String()}}})
	e := requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Equal(t, "notifications[0].channel_id", e.Errors[0].Field)
	_, err = bob.CreateTask(ctx, contract.TaskInput{SearchQuery: "news",
		Notifications: []contract.Notification{{Type: task.ChannelChat, ChannelID: "nope"}, {Type: task.ChannelChat, URL: "https://x.example"}}})
	e = requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Len(t, e.Errors, 2)

	// Bad settings name the field and never echo the value; a private address is refused.
	_, err = alice.CreateChannel(ctx, contract.ChannelInput{Kind: "slack", Name: "Meta",
		Settings: map[string]string{"webhook_url": "https://169.254.169.254/latest/" + key}})
	e = requireProblem(t, err, http.StatusUnprocessableEntity)
	require.Equal(t, "settings.webhook_url", e.Errors[0].Field)
	require.NotContains(t, e.Error(), key)
	_, err = alice.CreateChannel(ctx, contract.ChannelInput{Kind: "fax", Name: "x", Settings: map[string]string{}})
	_ = requireProblem(t, err, http.StatusUnprocessableEntity)
	_, err = alice.CreateChannel(ctx, in)
	_ = requireProblem(t, err, http.StatusConflict)

	// Renaming keeps the secret; deleting takes the channel away.
	ch, err = alice.UpdateChannel(ctx, ch.ID, contract.ChannelPatch{Name: ptr("Team 2"), ForAlerts: ptr(true)})
	require.NoError(t, err)
	require.Equal(t, "••••Part", ch.Settings["webhook_url"])
	require.True(t, ch.ForAlerts)
	require.NoError(t, alice.DeleteChannel(ctx, ch.ID))
	_, err = alice.GetChannel(ctx, ch.ID)
	_ = requireProblem(t, err, http.StatusNotFound)
}
