package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
)

// TestInvalidTextIsAClientError is the backstop of issue 11's defect 4: should a string
// PostgreSQL refuses get past the checks, the store's ErrInvalidText is a 422, not a 500.
func TestInvalidTextIsAClientError(t *testing.T) {
	a := New(Deps{Log: logging.Discard()})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/v1/api-keys", nil)
	a.writeError(w, r, fmt.Errorf("creating API key: %w", store.ErrInvalidText))
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
	require.NotContains(t, w.Body.String(), "creating API key", "no internal text in the body")
}
