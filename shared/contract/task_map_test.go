package contract_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/contract/contracttest"
	"github.com/torale-ai/torale/shared/task"
)

func TestTaskMappingsFillEveryWireField(t *testing.T) {
	contracttest.RequireComplete(t, contract.TaskOf(contracttest.Filled[task.Task](t)))
	contracttest.RequireComplete(t, contract.ExecutionOf(contracttest.Filled[task.Execution](t)))
	contracttest.RequireComplete(t, contract.AdminExecutionOf(contracttest.Filled[task.Execution](t)))
	contracttest.RequireComplete(t, contract.DeliveryOf(contracttest.Filled[task.Delivery](t)))
	contracttest.RequireComplete(t, contract.FieldErrorsOf(contracttest.Filled[[]task.FieldError](t)))
	contracttest.RequireComplete(t, contract.UsageOf(contracttest.Filled[task.Usage](t)))
	contracttest.RequireComplete(t, contracttest.Filled[contract.TaskInput](t).Draft())
}

func TestTaskMappingsKeepNil(t *testing.T) {
	// nil and empty lists are written differently (null and []); the mapping keeps which.
	require.Nil(t, contract.NotificationsOf(nil))
	require.Equal(t, []contract.Notification{}, contract.NotificationsOf([]task.Notification{}))
	require.Nil(t, contract.TaskNotifications(nil))
	require.Nil(t, contract.FieldErrorsOf(nil))
	require.Nil(t, contract.ExecutionPtrOf(nil))
	require.Nil(t, contract.ExecutionOf(task.Execution{}).Result)
	require.Nil(t, contract.ResultOf(task.Result{}).Sources)
}

func TestResultWritesSourcesAsAList(t *testing.T) {
	b, err := contract.Result{}.MarshalJSON()
	require.NoError(t, err)
	require.JSONEq(t, `{"evidence":"","sources":[],"confidence":0,"notification":null,"next_run":null,"topic":""}`, string(b))
}
