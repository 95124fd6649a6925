package watch_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// A task that stops running has nothing late or failing any more: pausing it closes its run
// alerts quietly (no message is written), and leaves its endpoint alerts open.
func TestPausingClosesRunAlertsQuietly(t *testing.T) {
	b := setup(t, false)
	tk, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "iphone 18 release date", Schedule: "0 9 * * *"})
	require.NoError(t, err)
	to := []store.AlertTarget{{Channel: task.ChannelWebhook}}
	for _, c := range []task.AlertCause{task.AlertFailing, task.AlertWebhookGone} {
		_, ds, opened, err := b.store.OpenAlert(b.ctx, store.NewAlert{UserID: b.user.ID, TaskID: tk.ID, Cause: c,
			Message: "m", Advice: "a", Now: b.clock.Now(), To: to})
		require.NoError(t, err)
		require.True(t, opened)
		require.Len(t, ds, 1)
	}

	_, err = b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StatePaused)
	require.NoError(t, err)
	open, err := b.store.OpenAlertsOf(b.ctx, b.user.ID, []uuid.UUID{tk.ID})
	require.NoError(t, err)
	require.Len(t, open[tk.ID], 1)
	require.Equal(t, task.AlertWebhookGone, open[tk.ID][0].Cause, "the endpoint is still gone")
	all, err := b.store.ListAlerts(b.ctx, b.user.ID, false, 10, nil)
	require.NoError(t, err)
	require.Len(t, all, 2)
	due, err := b.store.DueDeliveries(b.ctx, b.clock.Now(), 10)
	require.NoError(t, err)
	require.Len(t, due, 2, "only the two opening messages: closing quietly wrote none")
}
