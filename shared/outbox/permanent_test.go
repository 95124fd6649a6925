package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// A permanent failure is known by its type wherever it sits in the chain, and the attempt log
// keeps the sender's words whole: context added around it, none cut off by text matching.
func TestPermanentFailureIsATypeNotAText(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	u, e := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/gone"})
	cause := outbox.Permanent(errors.New("the endpoint answered 410 Gone"))
	hook := &flaky{fails: 1, err: fmt.Errorf("%w; Torale stopped posting to it", cause)}
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hook}, clk.Now, logging.Discard())
	_, err := n.DeliverDue(context.Background())
	require.NoError(t, err)

	ds, err := s.ListDeliveries(context.Background(), u.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status, "no retry after a permanent failure")
	require.Equal(t, "the endpoint answered 410 Gone; Torale stopped posting to it", ds[0].LastError)

	var pe *outbox.PermanentError
	require.ErrorAs(t, hook.err, &pe)
	require.Equal(t, "the endpoint answered 410 Gone", pe.Error())
	require.True(t, outbox.IsPermanent(hook.err))
	require.False(t, outbox.IsPermanent(errors.New("503")))
	require.NoError(t, outbox.Permanent(nil))
}
