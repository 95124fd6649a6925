package webhook_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// closedPort returns a loopback address nothing listens on: a port just given up.
func closedPort(t *testing.T) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := netip.MustParseAddrPort(ln.Addr().String())
	require.NoError(t, ln.Close())
	return addr
}

// A refused connection is recognised by its errno (ECONNREFUSED under *net.OpError and
// *os.SyscallError), not by the words of the error, and is retried: the endpoint may come back.
func TestRefusedConnectionIsNamedAndRetried(t *testing.T) {
	s := storetest.New(t)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	addr := closedPort(t)
	guard := netguard.New(netguard.Options{Allow: []netip.AddrPort{addr}})
	keys := outboxtest.Keys(t)
	sender := webhook.NewSender(webhook.Deps{Store: s, Keys: keys, Guard: guard, PublicURL: "https://torale.example",
		Now: clk.Now, Log: logging.Discard()})
	url := "https://" + addr.String() + "/hook"
	u, exec := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelWebhook, URL: url})
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, clk.Now, logging.Discard())
	tried, err := n.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, tried)

	ds, err := s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, "the endpoint refused the connection", ds[0].LastError)
	require.Equal(t, task.DeliveryPending, ds[0].Status, "a refused connection is retried")

	res, err := webhook.NewService(s, keys, nil, guard, sender, clk.Now).Test(context.Background(), u.ID, url)
	require.NoError(t, err)
	require.False(t, res.OK)
	require.Nil(t, res.StatusCode)
	require.Equal(t, "the endpoint refused the connection", res.Error)
}
