package platform_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
	"github.com/torale-ai/torale/shared/webhook/webhooktest"
)

var codeInMail = regexp.MustCompile(`code is (\d{6})`)

// verifyEmail proves the dev user owns address through the API and the local mailbox.
func verifyEmail(t *testing.T, base, address string) {
	t.Helper()
	require.Equal(t, http.StatusAccepted, call(t, "POST", base+"/api/v1/emails", map[string]string{"email": address}, nil))
	var box struct{ Data []contract.Mail }
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/dev/mailbox", nil, &box))
	require.NotEmpty(t, box.Data)
	m := codeInMail.FindStringSubmatch(box.Data[0].Text)
	require.NotNil(t, m, box.Data[0].Text)
	var addr contract.EmailAddress
	require.Equal(t, http.StatusOK, call(t, "POST", base+"/api/v1/emails/verify", map[string]string{"email": address, "code": m[1]}, &addr))
	require.True(t, addr.Verified)
}

func TestLocalDeliversSignedWebhooksAndEmail(t *testing.T) {
	note := "The iPhone 18 ships on September 18."
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{
		Evidence: "Apple's newsroom.", Confidence: 95, Notification: &note,
		Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"}}}}})
	base, _ := startLocal(t, fake)
	recv := webhooktest.NewReceiver(t, webhooktest.ReceiverOptions{CheckTimestamp: true})

	// torale dev lets webhooks reach this machine over http.
	var hook contract.WebhookSettings
	require.Equal(t, http.StatusOK, call(t, "PUT", base+"/api/v1/webhook", map[string]any{"url": recv.URL}, &hook))
	require.True(t, hook.Enabled)
	recv.Secrets(hook.Secret)
	verifyEmail(t, base, "me@example.com")

	var created taskJSON
	require.Equal(t, http.StatusCreated, call(t, "POST", base+"/api/v1/tasks", map[string]any{
		"search_query": "When does the iPhone 18 ship?", "notify_behavior": "once",
		"notifications": []map[string]string{{"type": "webhook"}, {"type": "email", "address": "me@example.com"}},
	}, &created))

	require.Eventually(t, func() bool { return len(recv.Hooks()) > 0 }, 20*time.Second, 20*time.Millisecond)
	h := recv.Hooks()[0]
	require.Equal(t, []bool{true}, h.Verified, "signed with the secret GET /api/v1/webhook shows")
	var ev webhook.Event
	require.NoError(t, json.Unmarshal(h.Body, &ev))
	require.Equal(t, note, ev.Data.Notification)
	require.Equal(t, created.ID, ev.Data.Task.ID.String())

	var box struct{ Data []contract.Mail }
	require.Eventually(t, func() bool {
		call(t, "GET", base+"/api/v1/dev/mailbox", nil, &box)
		return len(box.Data) > 0 && strings.HasPrefix(box.Data[0].Subject, "Torale: ")
	}, 10*time.Second, 20*time.Millisecond)
	require.Contains(t, box.Data[0].Text, note)
	require.Contains(t, box.Data[0].Headers["List-Unsubscribe"], "/api/v1/unsubscribe?token=")

	var log struct{ Data []contract.DeliveryLog }
	require.Eventually(t, func() bool {
		call(t, "GET", base+"/api/v1/webhook/deliveries?task_id="+created.ID, nil, &log)
		return len(log.Data) == 1 && log.Data[0].Status == task.DeliveryDelivered
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, h.ID, log.Data[0].ID.String())
	require.Len(t, log.Data[0].AttemptLog, 1)
	require.Equal(t, 204, *log.Data[0].AttemptLog[0].ResponseCode)

	var after taskJSON
	call(t, "GET", base+"/api/v1/tasks/"+created.ID, nil, &after)
	require.Equal(t, "completed", after.State, "notify once completes the task with its notification")
	time.Sleep(300 * time.Millisecond)
	ids, requests := recv.Unique()
	require.Equal(t, 1, ids)
	require.Equal(t, 1, requests, "sent once")
}

func TestTickPublishesDueNotifications(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	cfg, err := config.FromEnv(func(string) string { return "" })
	require.NoError(t, err)
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	t.Cleanup(func() { bus.Close(context.Background()) })
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Log: logging.Discard()})
	require.NoError(t, err)

	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:ticker"})
	require.NoError(t, err)
	now := time.Now()
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Tick", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: atTime(now.Add(time.Hour)),
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: "https://example.com/h"}}})
	require.NoError(t, err)
	e, err := st.StartExecution(ctx, store.StartRun{UserID: u.ID, TaskID: tk.ID, ScheduledFor: &now, Now: now, Deadline: now.Add(time.Minute)})
	require.NoError(t, err)
	note := "news"
	_, err = st.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: u.ID, TaskID: tk.ID, Attempt: 1, Now: now,
		Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: tk.Notifications})
	require.NoError(t, err)

	// No message was published for the row (as if its runner died); the tick finds it.
	_, err = p.Tick(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		ds, err := st.ListDeliveries(ctx, u.ID, e.ID)
		require.NoError(t, err)
		// The claim counts the attempt; the error is recorded when the attempt ends.
		return ds[0].Attempts == 1 && ds[0].LastError != ""
	}, 10*time.Second, 20*time.Millisecond)
	ds, err := st.ListDeliveries(ctx, u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, 1, ds[0].Attempts)
	require.Contains(t, ds[0].LastError, "no webhook sender", "without TORALE_NOTIFY_SECRET webhooks wait for their sender")
}

func atTime(t time.Time) *time.Time { return &t }
