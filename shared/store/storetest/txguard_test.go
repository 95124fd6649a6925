package storetest_test

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/torale-ai/torale/shared/schedule/schedulertest"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// The guard must catch what it exists for: a Cloud Scheduler call made while the caller holds
// a transaction open. Outside a transaction the same call goes through.
func TestTxGuardRefusesACallInsideATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	guard := storetest.NewTxGuard(t, url)
	guard.Window = 300 * time.Millisecond
	fake, client := schedulertest.Start(t)
	fake.SetGuard(guard.Check)
	get := func() error {
		_, err := client.GetJob(ctx, &schedulerpb.GetJobRequest{Name: "projects/p/locations/l/jobs/task-x"})
		return err
	}

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT 1 FROM tasks FOR UPDATE`)
	require.NoError(t, err)

	require.Equal(t, codes.FailedPrecondition, status.Code(get()))
	v := fake.TakeViolations()
	require.Len(t, v, 1)
	require.Contains(t, v[0], "a transaction is open across a call")

	require.NoError(t, tx.Commit(ctx))
	require.Equal(t, codes.NotFound, status.Code(get()), "no transaction: the call goes through")
	require.Empty(t, fake.TakeViolations())
}
