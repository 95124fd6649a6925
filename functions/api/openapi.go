package api

import (
	_ "embed"
	"net/http"

	"github.com/torale-ai/torale/shared/store"
)

// OpenAPI is the OpenAPI 3 document of this API. Tests hold every route and every response to
// it, so it stays true.
//
//go:embed openapi.json
var OpenAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ store.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(OpenAPI)
	return err
}
