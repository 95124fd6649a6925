package api

import (
	"net/http"

	"github.com/torale-ai/torale/shared/store"
)

// Access says who may call a route.
type Access int

// The access levels of routes.
const (
	AccessPublic Access = iota
	AccessUser
	AccessAdmin
)

// Route describes one endpoint: the table that builds the mux, the OpenAPI test and the
// tenant-isolation test all read it, so a new route cannot miss either.
type Route struct {
	Method string
	Path   string
	Access Access
	Limit  Action
	// Body is what request body the route reads; the zero value, BodyNone, takes none.
	Body Body
}

// Body says what request body a route reads, so that one place refuses a body a route does not
// take, and the input test knows what each route must refuse.
type Body int

// The request bodies a route may take.
const (
	// BodyNone takes an empty body or {}; anything else is a 422.
	BodyNone Body = iota
	// BodyJSON takes one JSON object, which is required.
	BodyJSON
	// BodyOptional takes one JSON object or nothing.
	BodyOptional
)

type route struct {
	Route
	handle func(w http.ResponseWriter, r *http.Request, user store.User) error
	// byKey, when set, answers a request carrying an API key with the key's authentication
	// folded into the route's read; it returns false to leave the request to handle.
	byKey func(w http.ResponseWriter, r *http.Request, keyHash []byte) (bool, error)
}

// takes marks the route as reading a body of kind b.
func (rt route) takes(b Body) route {
	rt.Body = b
	return rt
}

// folds gives the route a read that authenticates an API key in its own statement.
func (rt route) folds(byKey func(http.ResponseWriter, *http.Request, []byte) (bool, error)) route {
	rt.byKey = byKey
	return rt
}

func (a *API) routes() []route {
	r := func(method, path string, access Access, limit Action, h func(http.ResponseWriter, *http.Request, store.User) error) route {
		return route{Route: Route{Method: method, Path: path, Access: access, Limit: limit}, handle: h}
	}
	const v1 = "/api/v1"
	return []route{
		// Cloud Run keeps some paths ending in z for itself; /health is the check from outside.
		r("GET", "/health", AccessPublic, "", a.healthz),
		r("GET", "/healthz", AccessPublic, "", a.healthz),
		r("GET", v1+"/openapi.json", AccessPublic, "", serveOpenAPI),
		r("GET", v1+"/config", AccessPublic, "", a.runtimeConfig),

		r("POST", v1+"/tasks", AccessUser, ActionCreate, a.createTask).takes(BodyJSON),
		r("GET", v1+"/tasks", AccessUser, "", a.listTasks).folds(a.listTasksByKey),
		r("POST", v1+"/tasks/preview", AccessUser, ActionPreview, a.previewTask).takes(BodyJSON),
		r("POST", v1+"/schedules/preview", AccessUser, "", a.previewSchedule).takes(BodyJSON),
		r("GET", v1+"/tasks/{id}", AccessUser, "", a.getTask).folds(a.getTaskByKey),
		r("PATCH", v1+"/tasks/{id}", AccessUser, "", a.updateTask).takes(BodyJSON),
		r("DELETE", v1+"/tasks/{id}", AccessUser, "", a.deleteTask),
		r("POST", v1+"/tasks/{id}/pause", AccessUser, "", a.pauseTask),
		r("POST", v1+"/tasks/{id}/resume", AccessUser, "", a.resumeTask),
		r("POST", v1+"/tasks/{id}/complete", AccessUser, "", a.completeTask),
		r("POST", v1+"/tasks/{id}/run", AccessUser, ActionRun, a.runTask),
		r("GET", v1+"/tasks/{id}/executions", AccessUser, "", a.listExecutions),
		r("GET", v1+"/tasks/{id}/notifications", AccessUser, "", a.listTaskNotifications),
		r("GET", v1+"/executions/{id}", AccessUser, "", a.getExecution),
		r("GET", v1+"/templates", AccessUser, "", a.listTemplates),
		r("POST", v1+"/templates", AccessUser, ActionCreate, a.createTemplate).takes(BodyJSON),
		r("DELETE", v1+"/templates/{id}", AccessUser, "", a.deleteTemplate),
		// Public watches are read without an account, limited per client address.
		r("GET", v1+"/public/tasks", AccessPublic, ActionPublic, a.listPublicTasks),
		r("GET", v1+"/public/tasks/{slug}", AccessPublic, ActionPublic, a.getPublicTask),
		r("GET", v1+"/public/tasks/{slug}/feed.atom", AccessPublic, ActionPublic, a.publicAtom),
		r("GET", v1+"/public/tasks/{slug}/feed.json", AccessPublic, ActionPublic, a.publicJSON),
		r("POST", v1+"/public/tasks/{slug}/fork", AccessUser, ActionCreate, a.forkPublicTask),
		r("GET", v1+"/notifications", AccessUser, "", a.listNotifications),
		r("GET", v1+"/alerts", AccessUser, "", a.listAlerts),
		r("GET", v1+"/spend", AccessUser, "", a.getSpend),

		r("GET", v1+"/me", AccessUser, "", a.me),
		r("GET", v1+"/me/export", AccessUser, ActionExport, a.exportMe),
		r("DELETE", v1+"/me", AccessUser, "", a.deleteMe).takes(BodyJSON),
		r("POST", v1+"/api-keys", AccessUser, "", a.createKey).takes(BodyJSON),
		r("GET", v1+"/api-keys", AccessUser, "", a.listKeys),
		r("DELETE", v1+"/api-keys/{id}", AccessUser, "", a.revokeKey),

		r("GET", v1+"/webhook", AccessUser, "", a.getWebhook),
		r("PUT", v1+"/webhook", AccessUser, "", a.putWebhook).takes(BodyJSON),
		r("POST", v1+"/webhook/rotate-secret", AccessUser, "", a.rotateWebhookSecret),
		r("POST", v1+"/webhook/test", AccessUser, ActionWebhookTest, a.testWebhook).takes(BodyOptional),
		r("POST", v1+"/webhook/enable", AccessUser, "", a.enableWebhook).takes(BodyJSON),
		r("GET", v1+"/webhook/deliveries", AccessUser, "", a.listWebhookDeliveries),
		r("PUT", v1+"/webhook/headers/{name}", AccessUser, "", a.putWebhookHeader).takes(BodyJSON),
		r("DELETE", v1+"/webhook/headers/{name}", AccessUser, "", a.deleteWebhookHeader),
		r("POST", v1+"/webhook/deliveries/{id}/redeliver", AccessUser, ActionRedeliver, a.redeliver),
		r("POST", v1+"/emails", AccessUser, ActionEmailCode, a.startEmail).takes(BodyJSON),
		r("POST", v1+"/emails/verify", AccessUser, "", a.verifyEmail).takes(BodyJSON),
		r("GET", v1+"/emails", AccessUser, "", a.listEmails),
		r("DELETE", v1+"/emails/{email}", AccessUser, "", a.deleteEmail),
		r("GET", v1+"/channels/kinds", AccessUser, "", a.listChannelKinds),
		r("GET", v1+"/channels", AccessUser, "", a.listChannels),
		r("POST", v1+"/channels", AccessUser, "", a.createChannel).takes(BodyJSON),
		r("GET", v1+"/channels/{id}", AccessUser, "", a.getChannel),
		r("PATCH", v1+"/channels/{id}", AccessUser, "", a.updateChannel).takes(BodyJSON),
		r("DELETE", v1+"/channels/{id}", AccessUser, "", a.deleteChannel),
		r("POST", v1+"/channels/{id}/test", AccessUser, ActionChannelTest, a.testChannel),
		r("POST", v1+"/unsubscribe", AccessPublic, "", a.unsubscribe),
		r("GET", v1+"/feed", AccessUser, "", a.getFeed),
		r("POST", v1+"/feed/rotate", AccessUser, "", a.rotateFeed),
		// The token in the path is the credential: feed readers have no account.
		r("GET", v1+"/feeds/{feed}", AccessPublic, ActionFeed, a.userFeed),
		r("GET", v1+"/feeds/{token}/tasks/{feed}", AccessPublic, ActionFeed, a.taskFeed),
		r("GET", v1+"/dev/mailbox", AccessUser, "", a.devMailbox),

		r("GET", v1+"/admin/stats", AccessAdmin, "", a.adminStats),
		r("GET", v1+"/admin/users", AccessAdmin, "", a.adminUsers),
		r("GET", v1+"/admin/tasks", AccessAdmin, "", a.adminTasks),
		r("GET", v1+"/admin/executions", AccessAdmin, "", a.adminExecutions),
		r("GET", v1+"/admin/errors", AccessAdmin, "", a.adminErrors),
		r("POST", v1+"/admin/tasks/{id}/run", AccessAdmin, "", a.adminRunTask),
		r("POST", v1+"/admin/tasks/{id}/state", AccessAdmin, "", a.adminSetState).takes(BodyJSON),
		r("PUT", v1+"/admin/users/{id}/spend-cap", AccessAdmin, "", a.adminSetSpendCap).takes(BodyJSON),
		r("POST", v1+"/admin/reconcile", AccessAdmin, "", a.adminReconcile),
		r("GET", v1+"/admin/scheduler/jobs", AccessAdmin, "", a.adminSchedulerJobs),
		r("POST", v1+"/admin/users/{id}/deactivate", AccessAdmin, "", a.adminDeactivate),
		r("POST", v1+"/admin/users/{id}/reactivate", AccessAdmin, "", a.adminReactivate).takes(BodyOptional),
		r("POST", v1+"/admin/users/{id}/role", AccessAdmin, "", a.adminSetRole).takes(BodyJSON),
		r("GET", v1+"/admin/actions", AccessAdmin, "", a.adminActions),
	}
}

// Routes lists every endpoint the API serves.
func (a *API) Routes() []Route {
	var out []Route
	for _, rt := range a.routes() {
		out = append(out, rt.Route)
	}
	return out
}
