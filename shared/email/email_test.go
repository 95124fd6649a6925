package email_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/email/emailtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), got, "%s differs; run go test -update if the change is intended", path)
}

func renderDump(e email.Message) string {
	var b strings.Builder
	b.WriteString("To: " + e.To + "\nSubject: " + e.Subject + "\n")
	keys := make([]string, 0, len(e.Headers))
	for k := range e.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(k + ": " + e.Headers[k] + "\n")
	}
	b.WriteString("\n===== text/plain =====\n" + e.Text + "\n===== text/html =====\n" + e.HTML)
	return b.String()
}

func TestRenderedEmailsMatchGoldenFiles(t *testing.T) {
	r := email.NewRenderer("https://app.torale.example", outboxtest.Keys(t))
	e, err := r.Notification(outboxtest.TrickyMessage())
	require.NoError(t, err)
	golden(t, "notification.golden", renderDump(e))
	require.NotContains(t, e.HTML, "<script>", "agent text is escaped")
	require.NotContains(t, e.HTML, "javascript:", "only http(s) sources are linked")
	require.Contains(t, e.HTML, `href="https://app.torale.example/tasks/7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11"`)
	require.Equal(t, "Torale: iPhone 18 release <date>", e.Subject, "one line")

	c, err := r.Code("me@example.com", "042917", 15)
	require.NoError(t, err)
	golden(t, "code.golden", renderDump(c))
}

// mailEnv is a notifier whose email goes through go-mail to a local SMTP server.
type mailEnv struct {
	s    *store.Store
	clk  *clocktest.Clock
	smtp *emailtest.SMTPServer
	n    *outbox.Notifier
	keys *notifykey.Keys
}

func newMailEnv(t *testing.T, opts emailtest.SMTPOptions) mailEnv {
	t.Helper()
	s := storetest.New(t)
	srv := emailtest.NewSMTPServer(t, opts)
	cfg, err := email.ParseSMTPURL(srv.URL())
	require.NoError(t, err)
	m, err := email.NewSMTPMailer(cfg, "Torale <alerts@torale.example>", 5*time.Second, srv.ClientTLS)
	require.NoError(t, err)
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	keys := outboxtest.Keys(t)
	sender := email.NewSender(m, s, email.NewRenderer("https://app.torale.example", keys), clk.Now)
	return mailEnv{s: s, clk: clk, smtp: srv, keys: keys,
		n: outbox.New(s, map[task.ChannelType]outbox.Sender{task.ChannelEmail: sender}, clk.Now, logging.Discard())}
}

// verifyAddress marks the user's address verified, as a confirmed code would.
func verifyAddress(t *testing.T, s *store.Store, userID uuid.UUID, email string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	id := uuid.New()
	require.NoError(t, s.CreateEmailVerification(ctx, store.NewEmailVerification{ID: id, UserID: userID, Email: email,
		CodeHash: id[:], Now: now, ExpiresAt: now.Add(time.Minute), MaxPerHour: 3}))
	_, out, err := s.CheckEmailCode(ctx, userID, email, now, 5, func(store.EmailVerification) bool { return true })
	require.NoError(t, err)
	require.Equal(t, store.CodeVerified, out)
}

func TestEmailGoesOutAsMultipartWithUnsubscribe(t *testing.T) {
	e := newMailEnv(t, emailtest.SMTPOptions{User: "torale", Password: "p@ss word"})
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "me@example.com"})
	verifyAddress(t, e.s, u.ID, "me@example.com", e.clk.Now())
	n, err := e.n.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)

	msgs := e.smtp.Messages()
	require.Len(t, msgs, 1)
	got := msgs[0]
	require.True(t, got.TLS, "STARTTLS was used")
	require.Equal(t, "torale", got.AuthUser)
	require.Equal(t, []string{"me@example.com"}, got.To)
	require.Equal(t, "alerts@torale.example", got.From)

	msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
	require.NoError(t, err)
	require.Equal(t, "Torale: w", decodeHeader(t, msg.Header.Get("Subject")))
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryDelivered, ds[0].Status)
	require.Equal(t, "<"+ds[0].ID.String()+"@torale>", msg.Header.Get("Message-Id"), "stable across retries")
	unsub := msg.Header.Get("List-Unsubscribe")
	require.True(t, strings.HasPrefix(unsub, "<https://app.torale.example/api/v1/unsubscribe?token="), unsub)
	require.Equal(t, "List-Unsubscribe=One-Click", msg.Header.Get("List-Unsubscribe-Post"))
	token := strings.TrimSuffix(strings.SplitN(unsub, "token=", 2)[1], ">")
	id, matches, ok := email.ParseUnsubscribeToken(e.keys, token)
	require.True(t, ok)
	require.Equal(t, exec.TaskID, id)
	require.True(t, matches("me@example.com"))

	parts := multipartParts(t, msg)
	require.Contains(t, parts, "text/plain")
	require.Contains(t, parts, "text/html")
	require.Contains(t, parts["text/plain"], "news")
	require.Contains(t, parts["text/plain"], "https://app.torale.example/tasks/"+exec.TaskID.String())
	require.Contains(t, parts["text/html"], "<p")
}

func decodeHeader(t *testing.T, v string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	require.NoError(t, err)
	return d
}

// multipartParts returns the decoded body of each part by content type.
func multipartParts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, err := io.ReadAll(p) // multipart decodes quoted-printable itself
		require.NoError(t, err)
		out[ct] = string(b)
	}
}

func TestUnverifiedAddressFailsForGood(t *testing.T) {
	e := newMailEnv(t, emailtest.SMTPOptions{})
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "stranger@example.com"})
	_, err := e.n.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Empty(t, e.smtp.Messages())
	ds, err := e.s.ListDeliveries(context.Background(), u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status)
	require.Contains(t, ds[0].LastError, "stranger@example.com is not a verified address")
}

func TestRefusedRecipientsAndImplicitTLS(t *testing.T) {
	e := newMailEnv(t, emailtest.SMTPOptions{ImplicitTLS: true, User: "u", Password: "p"})
	ctx := context.Background()
	code := 550
	e.smtp.Reject(func(string) int { return code })
	u, exec := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "gone@example.com"})
	verifyAddress(t, e.s, u.ID, "gone@example.com", e.clk.Now())
	_, err := e.n.DeliverDue(ctx)
	require.NoError(t, err)
	ds, err := e.s.ListDeliveries(ctx, u.ID, exec.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryFailed, ds[0].Status, "a 5xx for the recipient is final")
	require.Contains(t, ds[0].LastError, "550")

	code = 451
	u2, exec2 := outboxtest.Notified(t, e.s, e.clk.Now(), task.Notification{Type: task.ChannelEmail, Address: "busy@example.com"})
	verifyAddress(t, e.s, u2.ID, "busy@example.com", e.clk.Now())
	_, err = e.n.DeliverDue(ctx)
	require.NoError(t, err)
	ds, err = e.s.ListDeliveries(ctx, u2.ID, exec2.ID)
	require.NoError(t, err)
	require.Equal(t, task.DeliveryPending, ds[0].Status, "a 4xx is retried")

	code = 0
	e.clk.Add(2 * time.Minute)
	_, err = e.n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Len(t, e.smtp.Messages(), 1)
	require.True(t, e.smtp.Messages()[0].TLS)
}

func TestNotificationEmailsAreCappedPerUserPerHour(t *testing.T) {
	e := newMailEnv(t, emailtest.SMTPOptions{})
	ctx := context.Background()
	u, err := e.s.EnsureUser(ctx, store.Identity{ExternalID: "dev:busy"})
	require.NoError(t, err)
	verifyAddress(t, e.s, u.ID, "busy@example.com", e.clk.Now())
	now := e.clk.Now()
	tk, err := e.s.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Chatty", SearchQuery: "query", ConditionDescription: "c",
		Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &now,
		Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "busy@example.com"}}})
	require.NoError(t, err)
	for i := range email.MaxPerHour + 1 {
		outboxtest.Run(t, e.s, tk, now.Add(-time.Duration(i+1)*time.Second))
	}
	_, err = e.n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Len(t, e.smtp.Messages(), email.MaxPerHour)
	log, err := e.s.ListDeliveryLog(ctx, u.ID, task.ChannelEmail, nil, 100, nil)
	require.NoError(t, err)
	waiting := 0
	for _, d := range log {
		if d.Status == task.DeliveryPending {
			waiting++
			require.Contains(t, d.LastError, "the most allowed")
			require.WithinDuration(t, e.clk.Now().Add(15*time.Minute), d.NextAttemptAt, time.Second)
		}
	}
	require.Equal(t, 1, waiting)
	e.clk.Add(61 * time.Minute)
	_, err = e.n.DeliverDue(ctx)
	require.NoError(t, err)
	require.Len(t, e.smtp.Messages(), email.MaxPerHour+1, "sent once the hour has room")
}
