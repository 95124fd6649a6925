package api_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// isolationBodies gives each route a request body that would succeed for the resource's owner,
// so a refusal can only come from the ownership check. Every route must have an entry: a route
// added without one fails TestTenantIsolation.
var isolationBodies = map[string]string{
	"GET /health":                           "",
	"GET /healthz":                          "",
	"GET /api/v1/openapi.json":              "",
	"GET /api/v1/config":                    "",
	"POST /api/v1/tasks":                    `{"search_query":"bob's own watch"}`,
	"GET /api/v1/tasks":                     "",
	"POST /api/v1/tasks/preview":            `{"search_query":"bob's preview"}`,
	"POST /api/v1/schedules/preview":        `{"schedule":"0 9 * * 1","timezone":"Europe/London"}`,
	"GET /api/v1/tasks/{id}":                "",
	"PATCH /api/v1/tasks/{id}":              `{"name":"hijacked"}`,
	"DELETE /api/v1/tasks/{id}":             "",
	"POST /api/v1/tasks/{id}/pause":         "",
	"POST /api/v1/tasks/{id}/resume":        "",
	"POST /api/v1/tasks/{id}/complete":      "",
	"POST /api/v1/tasks/{id}/run":           "",
	"GET /api/v1/tasks/{id}/executions":     "",
	"GET /api/v1/tasks/{id}/notifications":  "",
	"GET /api/v1/executions/{id}":           "",
	"GET /api/v1/notifications":             "",
	"GET /api/v1/me":                        "",
	"POST /api/v1/api-keys":                 `{"name":"bob's key"}`,
	"GET /api/v1/api-keys":                  "",
	"DELETE /api/v1/api-keys/{id}":          "",
	"GET /api/v1/webhook":                   "",
	"PUT /api/v1/webhook":                   `{"url":"https://bob.example.com/hook","enabled":true}`,
	"POST /api/v1/webhook/rotate-secret":    "",
	"POST /api/v1/webhook/test":             "",
	"POST /api/v1/webhook/enable":           `{"url":"https://bob.example.com/hook"}`,
	"GET /api/v1/webhook/deliveries":        "",
	"PUT /api/v1/webhook/headers/{name}":    `{"value":"bob's own value"}`,
	"DELETE /api/v1/webhook/headers/{name}": "",
	"POST /api/v1/emails":                   `{"email":"bob@example.com"}`,
	"POST /api/v1/emails/verify":            `{"email":"alice@example.com","code":"123456"}`,
	"GET /api/v1/emails":                    "",
	"DELETE /api/v1/emails/{email}":         "",
	"GET /api/v1/channels/kinds":            "",
	"GET /api/v1/channels":                  "",
	"POST /api/v1/channels":                 `{"kind":"slack","name":"bob's","settings":{"webhook_url":"https://hooks.slack.com/services/T1/B1/bobkey"}}`,
	"GET /api/v1/channels/{id}":             "",
	"PATCH /api/v1/channels/{id}":           `{"name":"hijacked"}`,
	"DELETE /api/v1/channels/{id}":          "",
	"POST /api/v1/channels/{id}/test":       "",
	"POST /api/v1/unsubscribe":              "",
	"GET /api/v1/feed":                      "",
	"POST /api/v1/feed/rotate":              "",
	// Public: the token is the credential; TestFeedIsolation holds one user's token to their own tasks.
	"GET /api/v1/feeds/{feed}":               "",
	"GET /api/v1/feeds/{token}/tasks/{feed}": "",
	"GET /api/v1/dev/mailbox":                "",
	"GET /api/v1/templates":                  "",
	"POST /api/v1/templates":                 `{"name":"bob's","search_query":"bob's own template"}`,
	"DELETE /api/v1/templates/{id}":          "",
	// Public watches are public by design; TestPublicWatch holds them to their listed fields.
	"GET /api/v1/public/tasks":                  "",
	"GET /api/v1/public/tasks/{slug}":           "",
	"GET /api/v1/public/tasks/{slug}/feed.atom": "",
	"GET /api/v1/public/tasks/{slug}/feed.json": "",
	"POST /api/v1/public/tasks/{slug}/fork":     "",
	"GET /api/v1/admin/stats":                   "",
	"GET /api/v1/admin/users":                   "",
	"GET /api/v1/admin/tasks":                   "",
	"GET /api/v1/admin/executions":              "",
	"GET /api/v1/admin/errors":                  "",
	"POST /api/v1/admin/tasks/{id}/run":         "",
	"POST /api/v1/admin/tasks/{id}/state":       `{"state":"paused"}`,
	"POST /api/v1/admin/reconcile":              "",
	"GET /api/v1/admin/scheduler/jobs":          "",

	// Your data, redelivery and admin actions on accounts (issues 14 and 15).
	"GET /api/v1/me/export":                          "",
	"DELETE /api/v1/me":                              `{"confirm":"alice@example.com"}`,
	"POST /api/v1/webhook/deliveries/{id}/redeliver": "",
	"POST /api/v1/admin/users/{id}/deactivate":       "",
	"POST /api/v1/admin/users/{id}/reactivate":       `{"resume_tasks":true}`,
	"POST /api/v1/admin/users/{id}/role":             `{"role":"admin"}`,
	"GET /api/v1/admin/actions":                      "",
	"GET /api/v1/alerts":                             "",
	"GET /api/v1/spend":                              "",
	"PUT /api/v1/admin/users/{id}/spend-cap":         `{"monthly_spend_cap_usd":5}`,
}

// TestTenantIsolation has user B call every route with every kind of user A's ids: no call may
// succeed on A's resources, and no response may carry anything of A's.
func TestTenantIsolation(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	secret := "alice-secret-watch-7f3a"
	b.verifyEmail(t, "alice", "alice@example.com")
	tk, err := alice.CreateTask(ctx, contract.TaskInput{SearchQuery: secret,
		Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "alice@example.com"}}})
	require.NoError(t, err)
	me, err := alice.Me(ctx)
	require.NoError(t, err)
	exec := notifiedRun(t, b.store, me.ID, tk.ID, "alice's news")
	key, err := alice.CreateAPIKey(ctx, "alice's key")
	require.NoError(t, err)
	ch, err := alice.CreateChannel(ctx, contract.ChannelInput{Kind: "slack", Name: "alice's channel",
		Settings: map[string]string{"webhook_url": "https://hooks.slack.com/services/T1/B1/alicekey0123"}})
	require.NoError(t, err)
	ids := map[string]string{"task": tk.ID.String(), "execution": exec.ID.String(), "api key": key.ID.String(), "user": me.ID.String(),
		"channel": ch.ID.String()}
	leaks := []string{secret, "alice", tk.ID.String(), exec.ID.String(), key.ID.String(), me.ID.String(), key.Prefix, ch.ID.String(), "alicekey"}

	httpc := validatingClient(t)
	call := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set(auth.DevUserHeader, "bob")
		res, err := httpc.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	checked := 0
	for _, rt := range b.api.Routes() {
		name := rt.Method + " " + rt.Path
		body, ok := isolationBodies[name]
		require.True(t, ok, "route %s has no tenant-isolation case; add one to isolationBodies", name)
		if rt.Access == api.AccessPublic {
			continue
		}
		if !strings.Contains(rt.Path, "{id}") {
			status, out := call(rt.Method, rt.Path, body)
			if rt.Access == api.AccessAdmin {
				require.Equal(t, http.StatusForbidden, status, name)
			}
			for _, l := range leaks {
				require.NotContains(t, out, l, "%s leaked %q", name, l)
			}
			checked++
			continue
		}
		for kind, id := range ids {
			status, out := call(rt.Method, strings.Replace(rt.Path, "{id}", id, 1), body)
			require.False(t, status >= 200 && status < 300, "%s with alice's %s id answered %d", name, kind, status)
			if rt.Access == api.AccessUser {
				require.Equal(t, http.StatusNotFound, status, "%s with alice's %s id", name, kind)
			}
			for _, l := range leaks {
				require.NotContains(t, out, l, "%s with alice's %s id leaked %q", name, kind, l)
			}
			checked++
		}
	}
	require.Greater(t, checked, 50)

	// Alice's things are untouched.
	after, err := alice.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, tk.Name, after.Name)
	require.Equal(t, task.StateActive, after.State)
	keys, err := alice.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1)
}
