package command_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func TestAdminReconcile(t *testing.T) {
	st := storetest.New(t)
	cfg, err := config.FromEnv(func(string) string { return "" })
	require.NoError(t, err)
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	p, err := platform.New(platform.Deps{Config: cfg, Store: st, Bus: bus, DevAuth: true, Log: logging.Discard()})
	require.NoError(t, err)
	srv := httptest.NewServer(p.API)
	t.Cleanup(func() { srv.Close(); bus.Close(context.Background()) })
	env := map[string]string{"TORALE_CONFIG_DIR": t.TempDir(), "TORALE_API_URL": srv.URL, "NO_COLOR": "1"}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		f := &command.Factory{IO: command.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, Getenv: func(k string) string { return env[k] }}
		return command.Execute(context.Background(), f, args), out.String(), errOut.String()
	}

	code, _, stderr := run("admin", "reconcile")
	require.Equal(t, command.ExitAuth, code, stderr)
	require.Contains(t, stderr, "administrators")

	// The CLI without a token acts as torale dev's default user; make it an admin.
	u, err := st.EnsureUser(context.Background(), store.Identity{ExternalID: "dev:dev"})
	require.NoError(t, err)
	require.NoError(t, st.SetUserRole(context.Background(), u.ID, store.RoleAdmin))
	code, out, stderr := run("admin", "reconcile")
	require.Equal(t, command.ExitOK, code, stderr)
	require.Contains(t, out, "mode\tsweep")
	require.Contains(t, out, "stuck runs failed\t0")
	require.NotContains(t, out, "jobs\t", "sweep mode has no jobs")

	code, out, _ = run("admin", "reconcile", "--json")
	require.Equal(t, command.ExitOK, code)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Equal(t, "sweep", rep["mode"])
	require.Nil(t, rep["jobs"])
}
