// Package api is the HTTPS API, the `api` Cloud Run function and the API of torale dev. It
// decodes requests, calls the shared services and writes JSON or problem details; no product
// logic lives here.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/watch"
)

// Authenticator says who sent a request.
type Authenticator interface {
	Authenticate(r *http.Request) (store.User, error)
}

// Deps are what the API is built from.
type Deps struct {
	Watch *watch.Service
	Auth  Authenticator
	// Health reports whether the service can serve: the database answers and is migrated.
	Health func(ctx context.Context) error
	Log    *slog.Logger
}

// API serves the HTTP API.
type API struct {
	watch  *watch.Service
	auth   Authenticator
	health func(ctx context.Context) error
	log    *slog.Logger
	mux    *http.ServeMux
}

// New returns the API handler with every route.
func New(d Deps) *API {
	a := &API{watch: d.Watch, auth: d.Auth, health: d.Health, log: d.Log, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.handle("POST /api/v1/tasks", a.createTask)
	a.handle("GET /api/v1/tasks", a.listTasks)
	a.handle("GET /api/v1/tasks/{id}", a.getTask)
	a.handle("POST /api/v1/tasks/{id}/run", a.runTask)
	a.handle("GET /api/v1/tasks/{id}/executions", a.listExecutions)
	a.handle("GET /api/v1/executions/{id}", a.getExecution)
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, Problem{Status: http.StatusNotFound, Detail: "No such endpoint: " + r.Method + " " + r.URL.Path})
	})
	return a
}

// ServeHTTP adds the headers every response carries and routes the request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newRequestID(r)
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	h.Set("X-Request-Id", id)
	a.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
}

type userHandler func(w http.ResponseWriter, r *http.Request, user store.User) error

// handle registers an authenticated route: the handler gets the caller, and its error is
// written by writeError.
func (a *API) handle(pattern string, h userHandler) {
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		user, err := a.auth.Authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="torale"`)
			writeProblem(w, Problem{Status: http.StatusUnauthorized, Detail: "Sign in or send an API key: " + err.Error()})
			return
		}
		if err := h(w, r, user); err != nil {
			a.writeError(w, r, err)
		}
	})
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.health(r.Context()); err != nil {
		a.log.WarnContext(r.Context(), "health check failed", "error", err.Error())
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "The service is not ready."})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

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
