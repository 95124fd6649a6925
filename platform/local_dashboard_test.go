package platform_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/contract"
)

// TestLocalDashboardNeedsNoSignInAndHasAnAdmin: under torale dev the dashboard is told there is
// no sign-in, and its user (the default dev user) is an admin, so the admin console works
// locally; users named by the header are not.
func TestLocalDashboardNeedsNoSignInAndHasAnAdmin(t *testing.T) {
	base, _ := startLocal(t, nil)
	var cfg contract.RuntimeConfig
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/config", nil, &cfg))
	require.Equal(t, contract.AuthDev, cfg.Auth)
	require.Empty(t, cfg.ClerkPublishableKey)
	require.NotEmpty(t, cfg.Version)

	var me contract.User
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/me", nil, &me))
	require.True(t, me.IsAdmin)
	require.Equal(t, contract.RoleAdmin, me.Role)
	require.Equal(t, http.StatusOK, call(t, "GET", base+"/api/v1/admin/stats", nil, &contract.Stats{}))

	req, err := http.NewRequest("GET", base+"/api/v1/me", nil)
	require.NoError(t, err)
	req.Header.Set("X-Torale-Dev-User", "bob")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var bob contract.User
	require.NoError(t, json.NewDecoder(res.Body).Decode(&bob))
	require.False(t, bob.IsAdmin, "only the default dev user is an admin")
}
