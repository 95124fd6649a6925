package command_test

import (
	"bytes"
	"context"
	"flag"
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
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cli runs commands against a real API (the platform's handler over real PostgreSQL, with a
// scripted agent) from a fresh config directory.
type cli struct {
	t     *testing.T
	url   string
	env   map[string]string
	stdin string
	tty   bool
}

type result struct {
	code     int
	out, err string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return newCLIWith(t, func(*config.Config) {})
}

// newCLIWith is newCLI with the configuration changed by edit.
func newCLIWith(t *testing.T, edit func(*config.Config)) *cli {
	t.Helper()
	note := "Apple announced the iPhone 18 for September 18."
	return newCLIAgent(t, edit, agent.Output{Result: task.Result{Evidence: "Apple's newsroom says so.",
		Confidence: 93, Notification: &note, Sources: []task.Source{{URL: "https://www.apple.com/newsroom/", Title: "Apple Newsroom"}}}})
}

// newCLIAgent is newCLIWith with an agent that answers every run with out.
func newCLIAgent(t *testing.T, edit func(*config.Config), out agent.Output) *cli {
	t.Helper()
	st := storetest.New(t)
	fake := agenttest.New(agenttest.Reply{Output: out})
	cfg, err := config.FromEnv(func(string) string { return "" })
	require.NoError(t, err)
	edit(&cfg)
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, Agent: fake, DevAuth: true, Log: logging.Discard()})
	require.NoError(t, err)
	dev, err := st.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:dev", DisplayName: "dev"})
	require.NoError(t, err)
	require.NoError(t, st.MarkEmailVerified(context.Background(), dev.ID, "me@example.com", time.Now()))
	srv := httptest.NewServer(p.API)
	t.Cleanup(func() { srv.Close(); bus.Close(context.Background()) })
	return &cli{t: t, url: srv.URL, env: map[string]string{
		"TORALE_CONFIG_DIR": t.TempDir(), "TORALE_API_URL": srv.URL, "NO_COLOR": "1"}}
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	f := &command.Factory{
		IO:     command.IO{In: strings.NewReader(c.stdin), Out: &out, Err: &errOut, InTTY: c.tty, OutTTY: c.tty, ErrTTY: false},
		Getenv: func(k string) string { return c.env[k] },
		Now:    time.Now,
	}
	code := command.Execute(context.Background(), f, args)
	return result{code: code, out: out.String(), err: errOut.String()}
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	require.Equal(c.t, command.ExitOK, r.code, "torale %v\nstdout: %s\nstderr: %s", args, r.out, r.err)
	return r.out
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	relRE  = regexp.MustCompile(`\b(in \d+[mhd]|\d+[mhd] ago|now)\b`)
	keyRE  = regexp.MustCompile(`tor_[0-9A-Za-z]+`)
	padRE  = regexp.MustCompile(` {2,}`)
)

// golden compares output with testdata/NAME after replacing what changes between runs.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = uuidRE.ReplaceAllString(got, "<id>")
	got = timeRE.ReplaceAllString(got, "<time>")
	got = relRE.ReplaceAllString(got, "<when>")
	got = keyRE.ReplaceAllString(got, "<key>")
	if strings.HasSuffix(name, ".table") {
		got = padRE.ReplaceAllString(got, "  ") // column widths follow the replaced values
	}
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cli/command -update")
	require.Equal(t, string(want), got)
}

func TestTasksSession(t *testing.T) {
	c := newCLI(t)
	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18 release date?",
		"--schedule", "0 9 * * *", "--timezone", "Europe/London", "--email", "me@example.com", "--json")
	golden(t, "create.json", created)
	id := uuidRE.FindString(created)

	golden(t, "list.tsv", c.ok("tasks", "list"))
	c.tty = true
	golden(t, "list.table", c.ok("tasks", "list"))
	golden(t, "get.table", c.ok("tasks", "get", id))
	c.tty = false

	golden(t, "update.json", c.ok("tasks", "update", id, "--notify", "always", "--schedule", "30 7 * * 1-5", "--json"))
	require.Contains(t, c.ok("tasks", "pause", id), "is now paused")
	require.Contains(t, c.ok("tasks", "resume", id), "is now active")

	run := c.ok("tasks", "run", id)
	require.Contains(t, run, "success")
	require.Contains(t, run, "Apple announced the iPhone 18")
	golden(t, "run.tsv", run)

	golden(t, "executions.tsv", c.ok("executions", "list", id))
	notes := c.ok("notifications", "list", "--json")
	require.Contains(t, notes, `"notification": "Apple announced the iPhone 18 for September 18."`)
	require.Contains(t, notes, `"channel": "email"`, "the delivery of each channel is listed")

	r := c.run("tasks", "delete", id)
	require.Equal(t, command.ExitUsage, r.code, "no terminal and no --yes")
	require.Contains(t, r.err, "--yes")
	require.Contains(t, c.run("tasks", "delete", id, "--yes").err, "Deleted task")
	r = c.run("tasks", "get", id)
	require.Equal(t, command.ExitError, r.code)
	require.Contains(t, r.err, "No such resource")
}

func TestUsageAndValidationErrors(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"tasks", "create"},
		{"tasks", "create", "--query", "x", "--notify", "sometimes"},
		{"tasks", "get", "not-an-id"},
		{"tasks", "list", "--limit", "0"},
		{"tasks", "list", "--state", "asleep"},
		{"tasks", "update", "3f2c1e9a-0000-4000-8000-000000000000"},
		{"tasks", "get"},
	} {
		r := c.run(args...)
		require.Equal(t, command.ExitUsage, r.code, "torale %v: %s", args, r.err)
	}
	r := c.run("tasks", "create", "--query", "ab", "--timezone", "Mars/Base")
	require.Equal(t, command.ExitError, r.code)
	require.Contains(t, r.err, "search_query: must be 3 to 2000 characters")
	require.Contains(t, r.err, `timezone: unknown time zone "Mars/Base"`)
}

func TestAuthLoginStatusLogout(t *testing.T) {
	c := newCLI(t)
	key := strings.TrimSpace(c.ok("keys", "create", "laptop"))
	require.True(t, strings.HasPrefix(key, "tor_"))

	c.stdin = "tor_definitelynotvalid\n"
	r := c.run("auth", "login", "--with-token")
	require.Equal(t, command.ExitAuth, r.code, r.err)

	c.stdin = key + "\n"
	require.Contains(t, c.ok("auth", "login", "--with-token"), "Logged in to")
	info, err := os.Stat(filepath.Join(c.env["TORALE_CONFIG_DIR"], "config.json"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	status := c.ok("auth", "status")
	require.Contains(t, status, "api\t"+c.url+"\n")
	require.Contains(t, status, "user\tdev\n")
	require.Contains(t, status, "key from\t"+filepath.Join(c.env["TORALE_CONFIG_DIR"], "config.json"))

	keys := c.ok("keys", "list", "--json")
	require.Contains(t, keys, `"name": "laptop"`)
	require.NotContains(t, keys, key, "a listed key never shows the secret")
	keyID := uuidRE.FindString(keys)
	c.ok("keys", "revoke", keyID)
	r = c.run("tasks", "list")
	require.Equal(t, command.ExitAuth, r.code, "a revoked key is refused at once")
	require.Contains(t, r.err, "torale auth login")

	require.Contains(t, c.ok("auth", "logout"), "Logged out")
	require.Contains(t, c.ok("auth", "logout"), "Not logged in")

	c.env["TORALE_TOKEN"] = "tor_fromenv"
	r = c.run("auth", "status")
	require.Equal(t, command.ExitAuth, r.code)
	require.Contains(t, r.err, "TORALE_TOKEN")

	c.stdin = ""
	r = c.run("auth", "login")
	require.Equal(t, command.ExitUsage, r.code, "no terminal to prompt on")
}

func TestAdminNeedsTheRole(t *testing.T) {
	c := newCLI(t)
	r := c.run("admin", "stats")
	require.Equal(t, command.ExitAuth, r.code)
	require.Contains(t, r.err, "administrators")
}
