package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/torale-ai/torale/shared/contract"
)

type requestIDKey struct{}

// requestID returns the id ServeHTTP gave the request.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// newRequestID ties a response to its log lines: Cloud Run's trace id when present, otherwise
// a random one.
func newRequestID(r *http.Request) string {
	id, _, _ := strings.Cut(r.Header.Get("X-Cloud-Trace-Context"), "/")
	if id != "" && len(id) <= 64 && strings.Trim(id, "0123456789abcdefABCDEF") == "" {
		return id
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cors answers preflight requests and marks responses to allowed origins. It reports whether
// the request was a preflight it answered.
func (a *API) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	allowed := a.origins[strings.TrimRight(origin, "/")]
	if allowed {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "Location, Retry-After, X-Request-Id")
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	if !allowed {
		writeProblem(w, contract.Problem{Status: http.StatusForbidden, Detail: "This origin may not call the API."})
		return true
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Torale-Dev-User")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}
