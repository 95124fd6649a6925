package api

import (
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

// runtimeConfig answers GET /api/v1/config: how the dashboard should sign people in, decided by
// how this API authenticates them, and the build it talks to.
func (a *API) runtimeConfig(w http.ResponseWriter, _ *http.Request, _ store.User) error {
	c := contract.RuntimeConfig{Auth: contract.AuthClerk, ClerkPublishableKey: a.site.ClerkPublishableKey, Version: a.site.Version}
	if a.site.DevAuth {
		c.Auth, c.ClerkPublishableKey = contract.AuthDev, ""
	}
	// A page load reads it; a redeploy with another key must reach the next one.
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, c)
	return nil
}
