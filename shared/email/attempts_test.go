package email_test

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/email/emailtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// Each email attempt is logged like a webhook's: whether it went, the mail server's reply code
// when it refused, how long it took, and an error in Torale's words (issue 12).

func TestEmailAttemptsAreLoggedWithTheReplyCode(t *testing.T) {
	e := newMailEnv(t, emailtest.SMTPOptions{})
	ctx := context.Background()
	code := 451
	e.smtp.Reject(func(string) int { return code })
	u, _ := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "me@example.com"})
	verifyAddress(t, e.s, u.ID, "me@example.com", e.clk.Now())
	_, err := e.n.DeliverDue(ctx)
	require.NoError(t, err)
	code = 0
	e.clk.Add(2 * time.Minute)
	_, err = e.n.DeliverDue(ctx)
	require.NoError(t, err)

	log, err := e.s.ListDeliveryLog(ctx, u.ID, task.ChannelEmail, nil, 10, nil)
	require.NoError(t, err)
	require.Len(t, log, 1)
	require.Equal(t, task.DeliveryDelivered, log[0].Status)
	attempts := log[0].AttemptLog
	require.Len(t, attempts, 2)
	require.False(t, attempts[0].OK)
	require.NotNil(t, attempts[0].ResponseCode)
	require.Equal(t, 451, *attempts[0].ResponseCode)
	require.Contains(t, attempts[0].Error, "the mail server refused the message (451")
	require.True(t, attempts[1].OK)
	require.Nil(t, attempts[1].ResponseCode, "an accepted email has no refusal code")
	require.Empty(t, attempts[1].Error)
}

func TestAnUnreachableMailServerIsLoggedWithoutItsAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close()) // nothing listens there now: the connection is refused

	s := storetest.New(t)
	cfg, err := email.ParseSMTPURL("smtp://127.0.0.1:" + strconv.Itoa(port) + "?starttls=off")
	require.NoError(t, err)
	m, err := email.NewSMTPMailer(cfg, "Torale <alerts@torale.example>", 5*time.Second, nil)
	require.NoError(t, err)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	sender := email.NewSender(m, s, email.NewRenderer("https://app.torale.example", outboxtest.Keys(t)), clk.Now)
	n := outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelEmail: sender}, clk.Now, logging.Discard())

	ctx := context.Background()
	u, _ := outboxtest.Notified(t, s, clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "me@example.com"})
	verifyAddress(t, s, u.ID, "me@example.com", clk.Now())
	_, err = n.DeliverDue(ctx)
	require.NoError(t, err)
	log, err := s.ListDeliveryLog(ctx, u.ID, task.ChannelEmail, nil, 10, nil)
	require.NoError(t, err)
	require.Len(t, log[0].AttemptLog, 1)
	a := log[0].AttemptLog[0]
	require.False(t, a.OK)
	require.Nil(t, a.ResponseCode)
	require.Equal(t, "the mail server refused the connection", a.Error)
	require.NotContains(t, log[0].LastError, strconv.Itoa(port), "the relay's address stays out of what users read")
}
