package platform_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/channel/channeltest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// lockedBuffer is a log sink the platform's goroutines share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The "done when": a task with a Slack, a Discord, a Telegram and an ntfy channel
// delivers one correctly formatted message to each, and no secret shows in the API or the logs.
func TestLocalDeliversToSlackDiscordTelegramAndNtfy(t *testing.T) {
	note := "The iPhone 18 ships on September 18 (in 40 countries)."
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{
		Evidence: "Apple's newsroom.", Confidence: 95, Notification: &note,
		Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"}}}}})
	logs := &lockedBuffer{}
	dbURL := storetest.URL(t)
	cfg, err := config.FromEnv(func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	require.NoError(t, err)
	base := runLocalWith(t, cfg, fake, func(l *platform.Local) {
		l.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})

	secrets := map[string]string{"slack": "SlackKeyAbc123xyz", "discord": "DiscordTokenQwe456", "telegram": "AAHtelegramSecret0123456789",
		"ntfy": "NtfyTokenZx9876"}
	fakes := map[string]*channeltest.Service{}
	ids := map[string]string{}
	var ns []map[string]string
	for _, kind := range []string{"slack", "discord", "telegram", "ntfy"} {
		f := channeltest.New(kind) // torale dev lets channels reach this machine over http
		t.Cleanup(f.Close)
		fakes[kind] = f
		var ch contract.Channel
		require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/channels", map[string]any{
			"kind": kind, "name": "My " + kind, "settings": f.Settings(secrets[kind])}, &ch), kind)
		ids[kind] = ch.ID.String()
		ns = append(ns, map[string]string{"type": "channel", "channel_id": ch.ID.String()})
	}

	// One more Slack channel whose webhook was revoked: its failure is logged, without the key.
	revoked := channeltest.New("slack")
	t.Cleanup(revoked.Close)
	revoked.FailNext(404)
	secrets["revoked"] = "RevokedSlackKey555"
	var gone contract.Channel
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/channels", map[string]any{
		"kind": "slack", "name": "Revoked", "settings": revoked.Settings(secrets["revoked"])}, &gone))
	ns = append(ns, map[string]string{"type": "channel", "channel_id": gone.ID.String()})

	var created taskJSON
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"name": "iPhone 18", "search_query": "When does the iPhone 18 ship?", "notify_behavior": "once", "notifications": ns,
	}, &created))
	require.Eventually(t, func() bool {
		for _, f := range fakes {
			if f.Count() == 0 {
				return false
			}
		}
		return true
	}, 20*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // a second message would have come by now

	slack := onlyRequest(t, fakes["slack"])
	require.Equal(t, "/services/T0001/B0001/"+secrets["slack"], slack.Path)
	require.Contains(t, slack.JSON(), "blocks", "Slack gets Block Kit")
	require.Contains(t, slack.JSON()["text"], "iPhone 18", "and a plain text fallback")

	discord := onlyRequest(t, fakes["discord"])
	embeds, _ := discord.JSON()["embeds"].([]any)
	require.Len(t, embeds, 1, "Discord gets an embed")
	require.Contains(t, embeds[0].(map[string]any)["title"], "iPhone 18")

	telegram := onlyRequest(t, fakes["telegram"])
	require.Equal(t, "/bot123456789:"+secrets["telegram"]+"/sendMessage", telegram.Path)
	require.Equal(t, "MarkdownV2", telegram.JSON()["parse_mode"])
	require.Equal(t, "-100200300", telegram.JSON()["chat_id"])
	require.Contains(t, telegram.JSON()["text"], `September 18 \(in 40 countries\)\.`, "MarkdownV2 escaping")

	ntfy := onlyRequest(t, fakes["ntfy"])
	require.Equal(t, "Bearer tk_"+secrets["ntfy"], ntfy.Header.Get("Authorization"))
	require.Equal(t, "torale-test", ntfy.JSON()["topic"])
	require.Contains(t, ntfy.JSON()["message"], "September 18")

	// Every delivery is recorded delivered, on its own outbox row.
	var notified struct{ Data []contract.Notified }
	require.Eventually(t, func() bool {
		call(t, "GET", base+"/api/v1/tasks/"+created.ID+"/notifications", nil, &notified)
		if len(notified.Data) != 1 || len(notified.Data[0].Deliveries) != 5 {
			return false
		}
		delivered := 0
		for _, d := range notified.Data[0].Deliveries {
			if d.Status == task.DeliveryDelivered {
				delivered++
			}
		}
		return delivered == 4
	}, 10*time.Second, 20*time.Millisecond)

	// No secret in the API's answers or the log.
	var answers []string
	for _, path := range []string{"/api/v1/channels", "/api/v1/tasks/" + created.ID, "/api/v1/tasks/" + created.ID + "/notifications"} {
		var v any
		require.Equal(t, http.StatusOK, call(t, "GET", base+path, nil, &v))
		raw, _ := json.Marshal(v)
		answers = append(answers, string(raw))
	}
	for kind, s := range secrets {
		for _, a := range answers {
			require.NotContains(t, a, s, kind)
		}
		require.NotContains(t, logs.String(), s, "%s's secret in the log", kind)
	}
	require.Contains(t, logs.String(), "Slack answered 404", "the revoked channel's failure was logged")

	// Replaying the Slack delivery posts the same message again, as a new delivery of the run.
	var original contract.Delivery
	for _, d := range notified.Data[0].Deliveries {
		if d.Target == ids["slack"] {
			original = d
		}
	}
	require.Equal(t, task.ChannelChat, original.Channel)
	var replay contract.Delivery
	require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/webhook/deliveries/"+original.ID.String()+"/redeliver", nil, &replay))
	require.NotEqual(t, original.ID, replay.ID, "a new delivery id")
	require.Equal(t, original.ID, *replay.RedeliveryOf)
	require.Eventually(t, func() bool { return fakes["slack"].Count() == 2 }, 10*time.Second, 20*time.Millisecond)
	again := fakes["slack"].Requests()[1]
	require.Equal(t, slack.Path, again.Path, "to the stored channel")
	require.Equal(t, slack.JSON()["text"], again.JSON()["text"], "the same message")
}

func onlyRequest(t *testing.T, f *channeltest.Service) channeltest.Request {
	t.Helper()
	got := f.Requests()
	require.Len(t, got, 1, "%s got one message", f.Kind)
	return got[0]
}
