// Package api is the HTTPS API, the `api` Cloud Run function and the API of torale dev. It
// decodes requests, calls the shared services and writes JSON or problem details; no product
// logic lives here.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/account"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// Authenticator says who sent a request.
type Authenticator interface {
	Authenticate(r *http.Request) (store.User, error)
}

// Keys is the store side of API-key management.
type Keys interface {
	CreateAPIKey(ctx context.Context, userID uuid.UUID, name, prefix string, hash []byte) (store.APIKey, error)
	ListAPIKeys(ctx context.Context, userID uuid.UUID) ([]store.APIKey, error)
	RevokeAPIKey(ctx context.Context, userID, id uuid.UUID) error
}

// Admin is the store side of the admin console; it reads across users.
type Admin interface {
	PlatformStats(ctx context.Context, since time.Time) (store.Stats, error)
	ListUsers(ctx context.Context, limit int, after *store.Cursor) ([]store.User, error)
	ListAllTasks(ctx context.Context, limit int, after *store.Cursor) ([]task.Task, error)
	ListAllExecutions(ctx context.Context, status task.Status, limit int, after *store.Cursor) ([]task.Execution, error)
	TaskOwner(ctx context.Context, taskID uuid.UUID) (uuid.UUID, error)
	SetUserSpendCap(ctx context.Context, userID uuid.UUID, capUSD *float64) error
}

// Deps are what the API is built from.
type Deps struct {
	Watch *watch.Service
	Keys  Keys
	Admin Admin
	Auth  Authenticator
	// Health reports whether the service can serve (the database answers and this build runs
	// on its schema) and the schema's status, nil when the service has no database.
	Health func(ctx context.Context) (*store.SchemaStatus, error)
	// AllowedOrigins may call the API from a browser (CORS).
	AllowedOrigins []string
	// Limits are the per-user rate limits (default DefaultLimits()).
	Limits Limits
	// Buckets hold the limits' state for every instance (the store); nil keeps it in this
	// process's memory, which limits each instance on its own.
	Buckets Buckets
	// Notify serves the webhook, email and mailbox endpoints (webhook.go); nil parts answer 503.
	Notify Notify
	// Scheduler runs reconcile and lists scheduler jobs for admins (scheduler.go); nil answers 503.
	Scheduler Scheduler
	// Feeds serve the Atom and JSON feeds (feeds.go); without a store they answer 404 and 503.
	Feeds Feeds
	// Account serves the admin actions on accounts and a user's export and deletion
	// (data.go); nil answers 503.
	Account *account.Service
	// Redeliver sends a delivery again (data.go); nil answers 503.
	Redeliver Redeliverer
	// Spend says what a user's watches cost this month against their cap (GET /spend); nil
	// answers 503.
	Spend SpendReader
	// Site is what GET /api/v1/config tells the dashboard.
	Site Site
	// BehindGoogleFrontEnd says requests come through Google's front end (Cloud Run), which
	// appends the client's address to X-Forwarded-For; elsewhere the header is the client's
	// to forge, and the connection's address is used (clientip.go).
	BehindGoogleFrontEnd bool
	Now                  func() time.Time
	Log                  *slog.Logger
}

// Site is how the dashboard should work with this deployment, served at runtime rather than
// built into the page.
type Site struct {
	// DevAuth says the API acts for header-named local users (torale dev): no sign-in.
	DevAuth bool
	// ClerkPublishableKey (CLERK_PUBLISHABLE_KEY) is what the page loads Clerk with.
	ClerkPublishableKey string
	// Version names this build.
	Version string
}

// API serves the HTTP API.
type API struct {
	watch   *watch.Service
	keys    Keys
	admin   Admin
	auth    Authenticator
	health  func(ctx context.Context) (*store.SchemaStatus, error)
	origins map[string]bool
	limiter *limiter
	notify  Notify
	sched   Scheduler
	feeds   Feeds
	account *account.Service
	redo    Redeliverer
	spend   SpendReader
	site    Site
	google  bool
	now     func() time.Time
	log     *slog.Logger
	mux     *http.ServeMux
}

// New returns the API handler with every route of Routes.
func New(d Deps) *API {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Limits == (Limits{}) {
		d.Limits = DefaultLimits()
	}
	a := &API{watch: d.Watch, keys: d.Keys, admin: d.Admin, auth: d.Auth, health: d.Health,
		origins: map[string]bool{}, limiter: newLimiter(d.Limits, d.Buckets, d.Now, d.Log), now: d.Now, log: d.Log,
		mux: http.NewServeMux(), notify: d.Notify, sched: d.Scheduler, feeds: d.Feeds, spend: d.Spend, site: d.Site,
		google: d.BehindGoogleFrontEnd, account: d.Account, redo: d.Redeliver}
	for _, o := range d.AllowedOrigins {
		a.origins[o] = true
	}
	for _, rt := range a.routes() {
		a.mux.HandleFunc(rt.Method+" "+rt.Path, a.wrap(rt))
	}
	return a
}

// ServeHTTP adds the headers every response carries, answers CORS preflights, and routes.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newRequestID(r)
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Request-Id", id)
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	if a.cors(w, r) {
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	if h, pattern := a.mux.Handler(r); pattern == "" {
		// No route: let the mux say whether the path exists with other methods (405 and Allow)
		// or not at all (404), and answer with a problem detail.
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); rec.status == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			writeProblem(w, contract.Problem{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed here; use " + allow + "."})
			return
		}
		writeProblem(w, contract.Problem{Status: http.StatusNotFound, Detail: "No such endpoint: " + r.Method + " " + r.URL.Path})
		return
	}
	a.mux.ServeHTTP(w, r)
}

// headerRecorder keeps the status and headers the mux's own 404/405 handlers write.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }

// wrap authenticates and authorises a route's request, applies its rate limit, and writes
// its error.
func (a *API) wrap(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rt.byKey != nil {
			// One statement authenticates the key and reads; anything it cannot answer (a bad
			// request, an unknown key, nothing to read) goes the usual way below.
			if hash, ok := auth.RequestAPIKey(r); ok && checkRequest(w, r, rt.Route) == nil {
				done, err := rt.byKey(w, r, hash)
				if err != nil {
					a.writeError(w, r, err)
					return
				}
				if done {
					return
				}
			}
		}
		var user store.User
		if rt.Access != AccessPublic {
			var err error
			user, err = a.auth.Authenticate(r)
			if err != nil {
				a.writeAuthError(w, r, err)
				return
			}
			if rt.Access == AccessAdmin && user.Role != store.RoleAdmin {
				writeProblem(w, contract.Problem{Status: http.StatusForbidden, Detail: "This endpoint is for administrators."})
				return
			}
		}
		if err := checkRequest(w, r, rt.Route); err != nil {
			a.writeError(w, r, err)
			return
		}
		if rt.Limit != "" {
			subject := user.ID
			switch {
			case rt.Limit == ActionFeed:
				subject = feedSubject(r)
			case rt.Access == AccessPublic:
				subject = clientSubject(a.clientIP(r))
			}
			if wait, ok := a.limiter.allow(r.Context(), subject, rt.Limit); !ok {
				w.Header().Set("Retry-After", retryAfter(wait))
				writeProblem(w, contract.Problem{Status: http.StatusTooManyRequests,
					Detail: "Too many " + string(rt.Limit) + " requests; try again in " + retryAfter(wait) + " s."})
				return
			}
		}
		if err := rt.handle(w, r, user); err != nil {
			a.writeError(w, r, err)
		}
	}
}

// writeAuthError answers a request whose credential failed: 401 with the reason when the
// credential is wrong, 503 when it could not be checked (the reason is logged, not shown).
func (a *API) writeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, auth.ErrUnauthenticated) {
		a.log.ErrorContext(r.Context(), "authentication unavailable", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
		w.Header().Set("Retry-After", "5")
		writeProblem(w, contract.Problem{Status: http.StatusServiceUnavailable, Detail: "Sign-in cannot be checked right now; try again shortly.", RequestID: requestID(r)})
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="torale"`)
	writeProblem(w, contract.Problem{Status: http.StatusUnauthorized, Detail: "Sign in or send an API key: " + err.Error()})
}

// healthz answers the health check: 200 with the schema versions while this build runs on the
// database's schema (store.SchemaWindow), else 503. A schema out of the window says why in the
// detail, for the operator who rolled too far; other failures (a database that does not answer)
// are logged only, since their errors name hosts.
func (a *API) healthz(w http.ResponseWriter, r *http.Request, _ store.User) error {
	st, err := a.health(r.Context())
	if err != nil {
		a.log.WarnContext(r.Context(), "health check failed", slog.String("error", err.Error()))
		detail := "The service is not ready."
		if errors.Is(err, store.ErrSchemaBehind) || errors.Is(err, store.ErrSchemaAhead) {
			detail = "The service is not ready: " + err.Error() + "."
		}
		writeProblem(w, contract.Problem{Status: http.StatusServiceUnavailable, Detail: detail, RequestID: requestID(r)})
		return nil
	}
	h := contract.Health{Status: "ok"}
	if st != nil {
		h.Schema = &contract.SchemaVersions{Database: int(st.Current), Build: int(st.Latest), NewestAccepted: int(st.NewestAccepted())}
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
