package command_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/contract"
)

func TestTemplatesCommands(t *testing.T) {
	c := newCLI(t)
	var page contract.Page[contract.Template]
	require.NoError(t, json.Unmarshal([]byte(c.ok("templates", "list", "--json")), &page))
	require.GreaterOrEqual(t, len(page.Data), 12)
	require.Contains(t, c.ok("templates", "list"), "gpu-price-drop")

	// --template fills the definition; the other flags override it.
	var tk contract.TaskView
	require.NoError(t, json.Unmarshal([]byte(c.ok("tasks", "create", "--template", "gpu-price-drop", "--schedule", "0 6 * * *", "--json")), &tk))
	require.Equal(t, "Graphics card price drop", tk.Name)
	require.Equal(t, "0 6 * * *", tk.Schedule)
	r := c.run("tasks", "create", "--template", "no-such-template")
	require.Equal(t, command.ExitError, r.code, r.err)
	require.Contains(t, r.err, "template_id")

	saved := c.ok("templates", "save", tk.ID.String(), "--name", "Mine", "--json")
	var own contract.Template
	require.NoError(t, json.Unmarshal([]byte(saved), &own))
	require.Equal(t, "Mine", own.Name)
	require.Contains(t, c.ok("templates", "list"), own.ID)
	r = c.run("templates", "delete", "gpu-price-drop")
	require.Equal(t, command.ExitError, r.code, r.err)
	c.ok("templates", "delete", own.ID)

	// Publishing from the CLI: a watch with a context needs the confirmation flag.
	var ctxTask contract.TaskView
	require.NoError(t, json.Unmarshal([]byte(c.ok("tasks", "create", "--query", "GPU prices", "--context", "I own a 3080", "--json")), &ctxTask))
	r = c.run("tasks", "update", ctxTask.ID.String(), "--public")
	require.Equal(t, command.ExitError, r.code, r.err)
	require.Contains(t, r.err, "public_context_ok")
	require.Contains(t, c.ok("tasks", "update", ctxTask.ID.String(), "--public", "--public-context-ok"), "public")
	c.ok("tasks", "update", ctxTask.ID.String(), "--public=false")
	require.Equal(t, command.ExitUsage, c.run("templates", "save", "not-an-id").code)
}
