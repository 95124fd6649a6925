package command_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// mailCLI is a CLI against the platform with webhooks allowed to reach this machine, a local
// mailbox, and a webhook receiver that answers 200.
type mailCLI struct {
	*cli
	store   *store.Store
	mailbox *email.Mailbox
	hook    string
}

func newMailCLI(t *testing.T) mailCLI {
	t.Helper()
	t.Parallel()
	st := storetest.New(t)
	cfg, err := config.FromEnv(func(string) string { return "" })
	require.NoError(t, err)
	cfg.Notify.Secret = strings.Repeat("cli-data-key-", 3)
	cfg.Notify.WebhookAllowPrivate = true
	box := email.NewMailbox(logging.Discard(), time.Now)
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Agent: agenttest.New(), DevAuth: true,
		Mailer: box, Mailbox: box, Log: logging.Discard()})
	require.NoError(t, err)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv := httptest.NewServer(p.API)
	t.Cleanup(func() { srv.Close(); hook.Close(); bus.Close(context.Background()) })
	c := &cli{t: t, url: srv.URL, env: map[string]string{"TORALE_CONFIG_DIR": t.TempDir(), "TORALE_API_URL": srv.URL, "NO_COLOR": "1"}}
	return mailCLI{cli: c, store: st, mailbox: box, hook: hook.URL + "/torale"}
}

func (c mailCLI) usage(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	require.Equal(c.t, command.ExitUsage, r.code, "torale %v\nstdout: %s\nstderr: %s", args, r.out, r.err)
	require.Contains(c.t, r.err, "Error:")
	return r.err
}

func TestWebhookCommands(t *testing.T) {
	c := newMailCLI(t)
	var w contract.WebhookSettings
	require.NoError(t, json.Unmarshal([]byte(c.ok("webhook", "get", "--json")), &w))
	require.True(t, strings.HasPrefix(w.Secret, "whsec_"))
	require.Contains(t, c.usage("webhook", "set", "not a url"), "is not a webhook URL")
	c.usage("webhook", "test", "ftp://example.com/")
	c.usage("webhook", "deliveries", "--task", "nope")
	c.usage("webhook", "deliveries", "--limit", "0")

	require.NoError(t, json.Unmarshal([]byte(c.ok("webhook", "set", c.hook, "--json")), &w))
	require.Equal(t, c.hook, w.URL)
	require.True(t, w.Enabled)
	require.Contains(t, c.ok("webhook", "get"), c.hook)
	var rotated contract.WebhookSettings
	require.NoError(t, json.Unmarshal([]byte(c.ok("webhook", "rotate", "--json")), &rotated))
	require.NotEqual(t, w.Secret, rotated.Secret)
	require.NotNil(t, rotated.PreviousSecretExpiresAt)

	var res contract.WebhookTestResult
	require.NoError(t, json.Unmarshal([]byte(c.ok("webhook", "test", "--json")), &res))
	require.True(t, res.OK, res.Error)
	require.Contains(t, c.ok("webhook", "test"), "ok\ttrue")
	var page contract.Page[contract.DeliveryLog]
	require.NoError(t, json.Unmarshal([]byte(c.ok("webhook", "deliveries", "--json")), &page))
	require.Empty(t, page.Data, "tests are not deliveries")
}

var sixDigits = regexp.MustCompile(`code is (\d{6})`)

func TestEmailsCommands(t *testing.T) {
	c := newMailCLI(t)
	require.Contains(t, c.usage("emails", "add", "not-an-address"), "is not an email address")
	c.usage("emails", "verify", "me@example.com", "12")
	c.usage("emails", "remove", "@")

	require.Contains(t, c.ok("emails", "add", "me@example.com"), "torale emails verify me@example.com CODE")
	mail := c.mailbox.All()
	require.Len(t, mail, 1)
	code := sixDigits.FindStringSubmatch(mail[0].Text)
	require.NotNil(t, code, mail[0].Text)
	var a contract.EmailAddress
	require.NoError(t, json.Unmarshal([]byte(c.ok("emails", "verify", "me@example.com", code[1], "--json")), &a))
	require.True(t, a.Verified)
	var list []contract.EmailAddress
	require.NoError(t, json.Unmarshal([]byte(c.ok("emails", "list", "--json")), &list))
	require.Len(t, list, 1)
	require.Equal(t, "me@example.com\tverified\n", c.ok("emails", "list"))
	require.Contains(t, c.ok("emails", "remove", "me@example.com"), "Removed")
	require.Equal(t, "", c.ok("emails", "list"))
}

func TestFeedsIsTheNameAndFeedAnAlias(t *testing.T) {
	c := newMailCLI(t)
	var a, b map[string]string
	require.NoError(t, json.Unmarshal([]byte(c.ok("feeds", "--json")), &a))
	require.NoError(t, json.Unmarshal([]byte(c.ok("feed", "--json")), &b))
	require.Equal(t, a, b)
	require.Contains(t, a["atom_url"], "/feeds/")
	c.usage("feeds", "--task", "nope")
}

func TestAccountExportAndDelete(t *testing.T) {
	c := newMailCLI(t)
	c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18?")
	out := filepath.Join(t.TempDir(), "torale.json")
	r := c.run("account", "export", "--output", out)
	require.Equal(t, command.ExitOK, r.code, r.err)
	require.Contains(t, r.err, "Wrote")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var ex contract.Export
	require.NoError(t, json.Unmarshal(b, &ex))
	require.True(t, ex.Complete)
	require.Len(t, ex.Tasks, 1)
	require.Equal(t, timeRE.ReplaceAllString(string(b), "<time>"), timeRE.ReplaceAllString(c.ok("account", "export"), "<time>"),
		"the same document on standard output")

	require.Contains(t, c.usage("account", "delete"), "--yes")
	c.tty, c.stdin = true, "someone-else\n"
	require.Contains(t, c.usage("account", "delete"), "nothing was deleted")
	var status struct {
		User contract.User `json:"user"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.ok("auth", "status", "--json")), &status))
	me := status.User
	c.stdin = me.ID.String() + "\n" // the dev user has no address: its id is the confirmation
	require.Contains(t, c.ok("account", "delete"), "Deleted the account")
	_, err = c.store.GetUser(context.Background(), me.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestAdminAccountCommands(t *testing.T) {
	c := newMailCLI(t)
	ctx := context.Background()
	ada, err := c.store.EnsureUser(ctx, store.Identity{ExternalID: "dev:ada", Email: "ada@example.com"})
	require.NoError(t, err)
	c.ok("tasks", "list") // the dev user exists once it called
	root, err := c.store.EnsureUser(ctx, store.Identity{ExternalID: "dev:dev"})
	require.NoError(t, err)
	r := c.run("admin", "deactivate", "ada@example.com")
	require.Equal(t, command.ExitAuth, r.code, "only admins: %s", r.err)
	require.NoError(t, c.store.SetUserRole(ctx, root.ID, store.RoleAdmin))

	require.Contains(t, c.usage("admin", "deactivate", "nobody"), "neither a user id nor an email address")
	require.Contains(t, c.usage("admin", "deactivate", "nobody@example.com"), "no user has the address")
	require.Contains(t, c.ok("admin", "deactivate", "ada@example.com"), "Deactivated ada@example.com")
	got, err := c.store.GetUser(ctx, ada.ID)
	require.NoError(t, err)
	require.NotNil(t, got.DeactivatedAt)
	var ch contract.AdminUserChange
	require.NoError(t, json.Unmarshal([]byte(c.ok("admin", "reactivate", ada.ID.String(), "--resume-tasks", "--json")), &ch))
	require.Nil(t, ch.User.DeactivatedAt)

	var page contract.Page[contract.AdminAction]
	require.NoError(t, json.Unmarshal([]byte(c.ok("admin", "actions", "--user", "ada@example.com", "--json")), &page))
	require.Len(t, page.Data, 2)
	require.Equal(t, "reactivate", page.Data[0].Action)
	table := c.ok("admin", "actions")
	require.Contains(t, table, "deactivate\t")
	require.Contains(t, table, "ada@example.com")
	c.usage("admin", "actions", "--limit", "500")
}

func TestRedeliverCommand(t *testing.T) {
	c := newMailCLI(t)
	require.Contains(t, c.usage("deliveries", "redeliver", "nope"), "is not a delivery id")
	r := c.run("deliveries", "redeliver", "7d0c1e9a-3c4d-4e5f-8a9b-0c1d2e3f4a5b")
	require.Equal(t, command.ExitError, r.code, r.err)
	require.Contains(t, r.err, "No such resource")
}
