package command_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
)

// --url (repeatable) and --context reach the task; update replaces or clears the pages.
func TestTasksCreateWithPagesAndContext(t *testing.T) {
	c := newCLI(t)
	created := c.ok("tasks", "create", "--query", "iPhone 18 release date", "--url", "https://www.apple.com/newsroom/",
		"--url", "http://example.com/iphone", "--context", "I already own the 15 Pro.", "--json")
	require.Contains(t, created, "\"urls\": [\n    \"https://www.apple.com/newsroom/\",\n    \"http://example.com/iphone\"\n  ]")
	require.Contains(t, created, `"context": "I already own the 15 Pro."`)
	id := uuidRE.FindString(created)

	c.tty = true
	got := c.ok("tasks", "get", id)
	require.Contains(t, got, "http://example.com/iphone")
	require.Contains(t, got, "I already own the 15 Pro.")
	c.tty = false

	require.Contains(t, c.ok("tasks", "update", id, "--url", "", "--json"), `"urls": []`)

	r := c.run("tasks", "create", "--query", "abc", "--url", "ftp://files.example/x")
	require.Equal(t, command.ExitError, r.code)
	require.Contains(t, r.err, `urls[0]: only http and https pages can be read`)

	args := []string{"tasks", "create", "--query", "abc"}
	for range 11 {
		args = append(args, "--url", "https://a.example/")
	}
	r = c.run(args...)
	require.Equal(t, command.ExitUsage, r.code)
	require.True(t, strings.Contains(r.err, "--url may be given at most 10 times"), r.err)
}

// --mode change watches a page with no query; the mode is shown, and cannot be changed later.
func TestTasksCreateInChangeMode(t *testing.T) {
	c := newCLI(t)
	created := c.ok("tasks", "create", "--mode", "change", "--url", "https://shop.example/widget", "--condition", "/price: [0-9]+/", "--json")
	require.Contains(t, created, `"mode": "change"`)
	require.Contains(t, created, `"notify_behavior": "always"`)
	id := uuidRE.FindString(created)

	r := c.run("tasks", "update", id, "--mode", "agent")
	require.Equal(t, command.ExitUsage, r.code)
	require.Contains(t, r.err, "fixed when it is created")

	r = c.run("tasks", "create", "--mode", "diff", "--url", "https://a.example/")
	require.Equal(t, command.ExitUsage, r.code)
	require.Contains(t, r.err, `--mode must be "agent" or "change"`)
	r = c.run("tasks", "create", "--mode", "change", "--query", "widget")
	require.Equal(t, command.ExitUsage, r.code)
	require.Contains(t, r.err, "needs at least one --url")

	r = c.run("tasks", "create", "--mode", "change", "--url", "https://a.example/", "--condition", "/[/")
	require.Equal(t, command.ExitError, r.code)
	require.Contains(t, r.err, "condition_description")
}
