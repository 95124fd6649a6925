package api

import (
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
	"github.com/torale-ai/torale/shared/webhook"
)

// The functions here map the services' results into shared/contract, the one place the wire
// shapes are declared: no store, notify or reconcile type is ever written as JSON, so their
// fields can change without changing the API.

// mapAll maps every row; nil stays nil so a list keeps the JSON form it had.
func mapAll[T, U any](in []T, f func(T) U) []U {
	if in == nil {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func taskView(v store.TaskView) contract.TaskView {
	t := v.Task
	out := contract.TaskView{Task: contract.TaskOf(t), LastExecution: contract.ExecutionPtrOf(v.Last), MonthSpendUSD: v.MonthSpendUSD,
		NextRunReason: contract.NextRunReasonOf(t), Context: t.Context, SilenceSummary: contract.SilenceSummaryOf(v.Silence),
		Public: t.Public, PublicContextOK: t.PublicContextOK, PublishedAt: t.PublishedAt,
		MonthlyBudgetUSD: t.MonthlyBudgetUSD, OpenAlerts: contract.AlertsOf(v.OpenAlerts)}
	for i := range out.OpenAlerts {
		out.OpenAlerts[i].TaskName = t.Name // as GET /alerts names it
	}
	if t.PublicSlug != "" {
		out.PublicSlug = &t.PublicSlug
	}
	return out
}

func adminTaskView(t task.Task) contract.AdminTask {
	return contract.AdminTask{Task: contract.TaskOf(t), UserID: t.UserID}
}

// patchOf is the service's form of a PATCH body.
func patchOf(p contract.TaskPatch) watch.Patch {
	out := watch.Patch{Name: p.Name, SearchQuery: p.SearchQuery, ConditionDescription: p.ConditionDescription,
		Schedule: p.Schedule, Timezone: p.Timezone, NotifyBehavior: p.NotifyBehavior, Depth: p.Depth, State: p.State,
		URLs: p.URLs, Context: p.Context, Public: p.Public, PublicContextOK: p.PublicContextOK}
	if p.Notifications != nil {
		n := contract.TaskNotifications(*p.Notifications)
		if n == nil {
			n = []task.Notification{}
		}
		out.Notifications = &n
	}
	return out
}

func notifiedView(n store.Notified) contract.Notified {
	return contract.Notified{Execution: contract.ExecutionOf(n.Execution), TaskName: n.TaskName,
		Deliveries: mapAll(n.Deliveries, func(d store.AttemptedDelivery) contract.Delivery {
			return withAttempts(contract.DeliveryOf(d.Delivery), d.AttemptLog)
		})}
}

// withAttempts gives a delivery its attempt log; nil (not fetched) stays the empty list.
func withAttempts(d contract.Delivery, log []store.AttemptRecord) contract.Delivery {
	if log != nil {
		d.AttemptLog = mapAll(log, attemptView)
	}
	return d
}

func attemptView(a store.AttemptRecord) contract.DeliveryAttempt {
	return contract.DeliveryAttempt{AttemptedAt: a.AttemptedAt, OK: a.OK, ResponseCode: a.ResponseCode,
		LatencyMS: a.LatencyMS, Error: a.Error}
}

func userView(u store.User) contract.User {
	return contract.User{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: contract.Role(u.Role),
		IsAdmin: u.Role == store.RoleAdmin, CreatedAt: u.CreatedAt, DeactivatedAt: u.DeactivatedAt}
}

func keyView(k store.APIKey) contract.APIKey {
	return contract.APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt,
		LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

func statsView(s store.Stats) contract.Stats {
	return contract.Stats{Users: s.Users, ActiveTasks: s.ActiveTasks, Runs: s.Runs, FailedRuns: s.FailedRuns,
		FailureRate: s.FailureRate, NotifiedRuns: s.NotifiedRuns, NotificationRate: s.NotificationRate, Since: s.Since}
}

func webhookView(s webhook.Settings) contract.WebhookSettings {
	return contract.WebhookSettings{URL: s.URL, Enabled: s.Enabled, Secret: s.Secret,
		PreviousSecretExpiresAt: s.PreviousSecretExpiresAt, RotatedAt: s.RotatedAt, UpdatedAt: s.UpdatedAt,
		DisabledEndpoints: mapAll(s.DisabledEndpoints, func(d store.DisabledWebhook) contract.DisabledWebhook {
			return contract.DisabledWebhook{URL: d.URL, Reason: d.Reason, DisabledAt: d.DisabledAt}
		}),
		Headers: mapAll(s.Headers, func(h webhook.Header) contract.WebhookHeader {
			return contract.WebhookHeader{Name: h.Name, ValueMasked: h.Masked, UpdatedAt: h.UpdatedAt}
		})}
}

func testResultView(r webhook.TestResult) contract.WebhookTestResult {
	return contract.WebhookTestResult{OK: r.OK, StatusCode: r.StatusCode, LatencyMS: r.LatencyMS, Error: r.Error, WebhookID: r.WebhookID}
}

func deliveryLogView(d store.DeliveryLog) contract.DeliveryLog {
	return contract.DeliveryLog{Delivery: withAttempts(contract.DeliveryOf(d.Delivery), d.AttemptLog), TaskName: d.TaskName}
}

func emailView(a store.EmailAddress) contract.EmailAddress {
	return contract.EmailAddress{Email: a.Email, Verified: a.Verified, VerifiedAt: a.VerifiedAt,
		CodeExpiresAt: a.CodeExpiresAt, Account: a.Account}
}

func mailView(m email.Mail) contract.Mail {
	return contract.Mail{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: m.Headers, SentAt: m.SentAt}
}

func jobView(v reconcile.JobView) contract.SchedulerJob {
	return contract.SchedulerJob{Job: v.Job, TaskID: v.TaskID, UserID: v.UserID, TaskState: v.TaskState,
		NextRunAt: v.NextRunAt, Actual: jobStateView(v.Actual), Want: jobStateView(v.Want),
		Drift: mapAll(v.Drift, func(d schedule.Drift) string { return string(d) })}
}

func jobStateView(s *reconcile.JobState) *contract.JobState {
	if s == nil {
		return nil
	}
	return &contract.JobState{Schedule: s.Schedule, TimeZone: s.TimeZone, State: s.State}
}
