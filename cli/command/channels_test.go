package command_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/channel/channeltest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/sealed"
)

// A channel saved with its secret on standard input is listed, tested and named by a task
// without the secret ever being printed.
func TestChannelsCommands(t *testing.T) {
	slack := channeltest.New("slack")
	defer slack.Close()
	c := newCLIWith(t, func(cfg *config.Config) {
		cfg.Notify.SecretKeys = sealed.NewKey("cli")
		cfg.Notify.WebhookAllowPrivate = true // the fake listens on loopback, as under torale dev
	})
	const secret = "CliSlackKey0987654"
	require.Contains(t, c.ok("channels", "kinds"), "webhook_url* (secret)")

	c.stdin = slack.Settings(secret)["webhook_url"] + "\n"
	var ch contract.Channel
	require.NoError(t, json.Unmarshal([]byte(c.ok("channels", "add", "--kind", "slack", "--name", "Team",
		"--set-stdin", "webhook_url", "--default", "--json")), &ch))
	c.stdin = ""
	require.Equal(t, "••••7654", ch.Settings["webhook_url"])
	require.True(t, ch.IsDefault)

	list := c.ok("channels", "list", "--json")
	require.Contains(t, list, ch.ID.String())
	listed := c.ok("channels", "list")
	require.Contains(t, listed, "Team\tslack\tyes\tno\twebhook_url=••••7654")
	require.Contains(t, c.ok("channels", "test", "Team"), "Delivered (status 200")
	require.Len(t, slack.Requests(), 1)

	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18?", "--channel", ch.ID.String(),
		"--channel", "default", "--json")
	require.Contains(t, created, `"channel_id": "`+ch.ID.String()+`"`)
	for _, out := range []string{list, listed, created} {
		require.NotContains(t, out, secret)
	}

	// Update: flags and a rename keep the secret; a new address without it is refused.
	var upd contract.Channel
	require.NoError(t, json.Unmarshal([]byte(c.ok("channels", "update", "Team", "--name", "Team alerts", "--alerts",
		"--default=false", "--json")), &upd))
	require.Equal(t, "Team alerts", upd.Name)
	require.True(t, upd.ForAlerts)
	require.False(t, upd.IsDefault)
	require.Equal(t, "••••7654", upd.Settings["webhook_url"], "the secret stays")
	r := c.run("channels", "update", "Team alerts")
	require.Equal(t, command.ExitUsage, r.code, r.err)
	require.Contains(t, r.err, "nothing to change")
	require.Contains(t, c.ok("channels", "test", "Team alerts"), "Delivered (status 200")
	c.ok("channels", "update", "Team alerts", "--name", "Team")

	r = c.run("channels", "add", "--kind", "telegram", "--name", "Phone", "--set", "bot_token=nope", "--set", "chat_id=1")
	require.Equal(t, command.ExitError, r.code, r.err)
	require.Contains(t, r.err, "settings.bot_token")
	r = c.run("channels", "add", "--kind", "slack", "--name", "Bad", "--set", "webhook_url")
	require.Equal(t, command.ExitUsage, r.code, r.err)
	r = c.run("channels", "add", "--kind", "slack")
	require.Equal(t, command.ExitUsage, r.code, r.err)

	r = c.run("channels", "remove", "Team")
	require.Equal(t, command.ExitOK, r.code, r.err)
	require.Contains(t, r.err, "Deleted channel "+ch.ID.String())
	require.NotContains(t, c.ok("channels", "list", "--json"), ch.ID.String())
	r = c.run("channels", "test", "Team")
	require.Equal(t, command.ExitError, r.code)
	require.Contains(t, r.err, `no channel named "Team"`)
}
