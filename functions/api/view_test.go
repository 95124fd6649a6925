package api

import (
	"testing"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/contract/contracttest"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// Every mapping into the contract sets every wire field from a fully filled service value, so
// a field added to the contract and forgotten here fails instead of going out as a zero.
func TestViewsFillEveryWireField(t *testing.T) {
	full := func(v any) { t.Helper(); contracttest.RequireComplete(t, v) }
	tv := contracttest.Filled[store.TaskView](t)
	for i := range tv.OpenAlerts {
		tv.OpenAlerts[i].ResolvedAt = nil // open alerts, as the view holds only those
	}
	view := taskView(tv)
	for i := range view.OpenAlerts {
		view.OpenAlerts[i].ResolvedAt = &tv.Task.CreatedAt // null by definition: not the mapping's to fill
	}
	full(view)
	full(adminTaskView(contracttest.Filled[task.Task](t)))
	full(patchOf(contracttest.Filled[contract.TaskPatch](t)))
	full(notifiedView(contracttest.Filled[store.Notified](t)))
	admin := contracttest.Filled[store.User](t)
	admin.Role = store.RoleAdmin // is_admin is false, a zero, for any other role
	full(userView(admin))
	full(keyView(contracttest.Filled[store.APIKey](t)))
	full(statsView(contracttest.Filled[store.Stats](t)))
	full(webhookView(contracttest.Filled[webhook.Settings](t)))
	full(testResultView(contracttest.Filled[webhook.TestResult](t)))
	full(deliveryLogView(contracttest.Filled[store.DeliveryLog](t)))
	full(emailView(contracttest.Filled[store.EmailAddress](t)))
	full(mailView(contracttest.Filled[email.Mail](t)))
	full(contracttest.Filled[reconcile.Report](t).Wire())
	full(jobView(contracttest.Filled[reconcile.JobView](t)))
}
