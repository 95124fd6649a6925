package command_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

func TestAdminGrantAndRevoke(t *testing.T) {
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	ctx := context.Background()
	ada, err := s.EnsureUser(ctx, store.Identity{ExternalID: "user_ada", Email: "Ada@Example.com"})
	require.NoError(t, err)
	env := map[string]string{"DATABASE_URL": url}
	role := func() store.Role {
		u, err := s.GetUser(ctx, ada.ID)
		require.NoError(t, err)
		return u.Role
	}

	code, out, stderr := run(t, env, "admin", "grant", "ada@example.com")
	require.Equal(t, command.ExitOK, code, stderr)
	require.Equal(t, "Ada@Example.com ("+ada.ID.String()+") is now an admin.\n", out)
	require.Equal(t, store.RoleAdmin, role())
	code, out, _ = run(t, env, "admin", "grant", ada.ID.String())
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "is already an admin")

	code, out, _ = run(t, env, "admin", "revoke", ada.ID.String(), "--json")
	require.Equal(t, command.ExitOK, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Equal(t, ada.ID.String(), got["id"])
	require.Equal(t, "user", got["role"])
	require.Equal(t, false, got["is_admin"])
	require.Equal(t, store.RoleUser, role())
	code, out, _ = run(t, env, "admin", "revoke", "ada@example.com")
	require.Equal(t, command.ExitOK, code)
	require.Contains(t, out, "nothing to revoke")
}

func TestAdminGrantRefusesWhatItCannotName(t *testing.T) {
	url := storetest.URL(t)
	s := storetest.Open(t, url)
	ctx := context.Background()
	for _, id := range []string{"user_1", "user_2"} {
		_, err := s.EnsureUser(ctx, store.Identity{ExternalID: id, Email: "shared@example.com"})
		require.NoError(t, err)
	}
	env := map[string]string{"DATABASE_URL": url}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"admin", "grant", "nobody@example.com"}, env, `no user is "nobody@example.com"`},
		{[]string{"admin", "revoke", "5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}, env, "must sign in once"},
		{[]string{"admin", "grant", "shared@example.com"}, env, "name the user by id"},
		{[]string{"admin", "grant"}, env, "accepts 1 arg"},
		{[]string{"admin", "grant", "ada@example.com"}, nil, "DATABASE_URL is not set"},
	} {
		code, _, stderr := run(t, c.env, c.args...)
		require.Equal(t, command.ExitUsage, code, "torale %v: %s", c.args, stderr)
		require.Contains(t, stderr, c.want)
	}
}
