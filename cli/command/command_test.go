package command_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// run executes the CLI in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &command.Factory{IO: command.IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, Getenv: func(k string) string { return env[k] }}
	code := command.Execute(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"nonsense"},
		{"migrate", "up", "extra"},
		{"dev", "--addr", "0.0.0.0:8080"},
		{"dev", "--no-such-flag"},
		{"migrate", "status"}, // without DATABASE_URL
	} {
		code, _, stderr := run(t, nil, args...)
		require.Equal(t, command.ExitUsage, code, "torale %v: %s", args, stderr)
		require.Contains(t, stderr, "Error:")
	}
}

func TestMigrateStatusDownUp(t *testing.T) {
	env := map[string]string{"DATABASE_URL": storetest.URL(t)}
	code, out, _ := run(t, env, "migrate", "status", "--json")
	require.Equal(t, command.ExitOK, code)
	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.Equal(t, true, st["up_to_date"])

	code, out, _ = run(t, env, "migrate", "down", "--all")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "version 0 of")
	code, out, _ = run(t, env, "migrate", "status")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "Run 'torale migrate up'")

	code, out, _ = run(t, env, "migrate", "up")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "up to date")
	require.Contains(t, out, jsonNumber(store.LatestVersion()))
}

// On a schema a newer release migrated within the window, up (a rollback's migration step)
// leaves it alone and status says this build runs on it; beyond the window both say it does not.
func TestMigrateOnANewerSchema(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"DATABASE_URL": url}
	latest := store.LatestVersion()
	storetest.SetSchemaVersion(t, url, latest+store.SchemaWindow)
	code, out, _ := run(t, env, "migrate", "up")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "left as it is")
	code, out, _ = run(t, env, "migrate", "status", "--json")
	require.Equal(t, command.ExitOK, code)
	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.Equal(t, true, st["runs"])
	require.Equal(t, false, st["up_to_date"])
	require.EqualValues(t, latest+store.SchemaWindow, st["current"])

	storetest.SetSchemaVersion(t, url, latest+store.SchemaWindow+1)
	code, out, _ = run(t, env, "migrate", "status")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "does not run on it")
	code, _, stderr := run(t, env, "migrate", "up")
	require.Equal(t, command.ExitError, code)
	require.Contains(t, stderr, "deploy a newer build")
}

func jsonNumber(v uint) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDatabaseErrorsExitOne(t *testing.T) {
	code, _, stderr := run(t, map[string]string{"DATABASE_URL": "postgres://nobody@/nowhere?host=/nonexistent"}, "migrate", "status")
	require.Equal(t, command.ExitError, code)
	require.Contains(t, stderr, "connecting to PostgreSQL")
}

func TestEveryCommandHasHelpAndExamples(t *testing.T) {
	f := &command.Factory{IO: command.IO{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, Getenv: func(string) string { return "" }}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.Parent() != nil && c.Parent().Name() == "completion" {
			return
		}
		require.NotEmpty(t, c.Short, "%s has no short help", c.CommandPath())
		require.NotEmpty(t, c.Example, "%s has no examples", c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(command.NewCmdRoot(f))
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, _ := run(t, nil, "completion", shell)
		require.Equal(t, command.ExitOK, code)
		require.Contains(t, out, "torale")
	}
}

// With TORALE_CLOUDSQL_INSTANCE the migration goes through the Cloud SQL connector, which needs
// Google credentials; a missing credentials file fails at once, before any network.
func TestMigrateThroughTheCloudSQLConnector(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", t.TempDir()+"/missing.json")
	env := map[string]string{"DATABASE_URL": "postgres://migrate%40p.iam@localhost/torale?sslmode=disable",
		"TORALE_CLOUDSQL_INSTANCE": "p:us-central1:torale"}
	code, _, stderr := run(t, env, "migrate", "up")
	require.Equal(t, command.ExitError, code)
	require.Contains(t, stderr, "creating the Cloud SQL dialer")
}
