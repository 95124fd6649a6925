package api

import (
	"testing"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/contract/contracttest"
	"github.com/torale-ai/torale/shared/notify"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Every mapping into the contract sets every wire field from a fully filled service value, so
// a field added to the contract and forgotten here fails instead of going out as a zero.
func TestViewsFillEveryWireField(t *testing.T) {
	full := func(v any) { t.Helper(); contracttest.RequireComplete(t, v) }
	tv := taskView(contracttest.Filled[task.Task](t), contracttest.Filled[*task.Execution](t))
	tv.MonthSpendUSD = new(float64(1)) // set by getTask, not by the mapping
	full(tv)
	full(adminTaskView(contracttest.Filled[task.Task](t)))
	full(patchOf(contracttest.Filled[contract.TaskPatch](t)))
	full(notifiedView(contracttest.Filled[store.Notified](t)))
	full(userView(contracttest.Filled[store.User](t)))
	full(keyView(contracttest.Filled[store.APIKey](t)))
	full(statsView(contracttest.Filled[store.Stats](t)))
	full(webhookView(contracttest.Filled[notify.WebhookSettings](t)))
	full(testResultView(contracttest.Filled[notify.TestResult](t)))
	full(deliveryLogView(contracttest.Filled[store.DeliveryLog](t)))
	full(emailView(contracttest.Filled[store.EmailAddress](t)))
	full(mailView(contracttest.Filled[notify.Mail](t)))
	full(reportView(contracttest.Filled[reconcile.Report](t)))
	full(jobView(contracttest.Filled[reconcile.JobView](t)))
}
