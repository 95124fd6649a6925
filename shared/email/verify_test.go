package email_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/clocktest"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

var codePattern = regexp.MustCompile(`code is (\d{6})`)

func lastCode(t *testing.T, b *email.Mailbox, u store.User) string {
	t.Helper()
	mail := b.For(u.ID)
	require.NotEmpty(t, mail)
	m := codePattern.FindStringSubmatch(mail[0].Text)
	require.NotNil(t, m, mail[0].Text)
	return m[1]
}

func fieldMessage(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Fields[0].Field)
	return ve.Fields[0].Message
}

func TestVerificationCodes(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	box := email.NewMailbox(logging.Discard(), clk.Now)
	v := email.NewVerifier(s, box, email.NewRenderer("https://app.torale.example", nil), clk.Now, logging.Discard())
	u, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:alice"})
	require.NoError(t, err)
	bob, err := s.EnsureUser(ctx, store.Identity{ExternalID: "dev:bob"})
	require.NoError(t, err)

	_, _, err = v.Start(ctx, u, "not an address")
	require.Contains(t, fieldMessage(t, err, "email"), "plain email address")

	addr, sent, err := v.Start(ctx, u, " Me@Example.COM ")
	require.NoError(t, err)
	require.True(t, sent)
	require.Equal(t, "Me@example.com", addr.Email)
	require.WithinDuration(t, clk.Now().Add(15*time.Minute), *addr.CodeExpiresAt, time.Second)
	code := lastCode(t, box, u)
	require.Empty(t, box.For(bob.ID), "a user's mailbox shows only their mail")

	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	_, err = v.Confirm(ctx, bob.ID, "me@example.com", code)
	require.Contains(t, fieldMessage(t, err, "email"), "no code is waiting", "bob cannot use alice's code")
	_, err = v.Confirm(ctx, u.ID, "me@example.com", "12ab56")
	require.Contains(t, fieldMessage(t, err, "code"), "6 digits")
	_, err = v.Confirm(ctx, u.ID, "me@example.com", wrong)
	require.Contains(t, fieldMessage(t, err, "code"), "4 tries left")

	got, err := v.Confirm(ctx, u.ID, "ME@example.com", code)
	require.NoError(t, err)
	require.True(t, got.Verified)
	_, sent, err = v.Start(ctx, u, "me@example.com")
	require.NoError(t, err)
	require.False(t, sent, "a verified address gets no new code")
	_, err = v.Confirm(ctx, u.ID, "me@example.com", code)
	require.NoError(t, err, "confirming again is harmless")

	// Expiry: 15 minutes.
	_, _, err = v.Start(ctx, u, "late@example.com")
	require.NoError(t, err)
	late := lastCode(t, box, u)
	clk.Add(15 * time.Minute)
	_, err = v.Confirm(ctx, u.ID, "late@example.com", late)
	require.Contains(t, fieldMessage(t, err, "code"), "expired")

	// Five tries, then a new code is needed.
	_, _, err = v.Start(ctx, u, "late@example.com")
	require.NoError(t, err)
	fresh := lastCode(t, box, u)
	bad := "999999"
	if fresh == bad {
		bad = "999998"
	}
	for range 5 {
		_, err = v.Confirm(ctx, u.ID, "late@example.com", bad)
		require.Error(t, err)
	}
	_, err = v.Confirm(ctx, u.ID, "late@example.com", fresh)
	require.Contains(t, fieldMessage(t, err, "code"), "too many times")

	// Three codes an hour per address.
	_, _, err = v.Start(ctx, u, "late@example.com")
	require.NoError(t, err)
	_, _, err = v.Start(ctx, u, "late@example.com")
	var rl *store.RateLimitError
	require.ErrorAs(t, err, &rl)
	require.True(t, rl.RetryAt.After(clk.Now()))
	_, _, err = v.Start(ctx, bob, "late@example.com")
	require.NoError(t, err, "the limit is per user and address")

	list, err := v.List(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.NoError(t, v.Delete(ctx, u.ID, "me@example.com"))
	require.ErrorIs(t, v.Delete(ctx, u.ID, "me@example.com"), store.ErrNotFound)

	clerk, err := s.EnsureUser(ctx, store.Identity{ExternalID: "clerk:user_9", Email: "carol@example.com"})
	require.NoError(t, err)
	require.ErrorIs(t, v.Delete(ctx, clerk.ID, "carol@example.com"), email.ErrAccountAddress)
	_, sent, err = v.Start(ctx, clerk, "carol@example.com")
	require.NoError(t, err)
	require.False(t, sent, "a Clerk sign-in address is already verified")

	noMail := email.NewVerifier(s, nil, email.NewRenderer("", nil), clk.Now, logging.Discard())
	_, _, err = noMail.Start(ctx, u, "new@example.com")
	require.ErrorIs(t, err, outbox.ErrNotConfigured)
}

func TestUnsubscribeLinkStopsTheTasksEmails(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	keys := outboxtest.Keys(t)
	now := time.Now()
	u, exec := outboxtest.Notified(t, s, now, task.Notification{Type: task.ChannelEmail, Address: "me@example.com"},
		task.Notification{Type: task.ChannelWebhook, URL: "https://example.com/h"})
	unsub := email.NewUnsubscriber(s, keys)

	other, _ := notifykey.New(strings.Repeat("k", 32))
	require.ErrorIs(t, unsub.Unsubscribe(ctx, email.UnsubscribeToken(other, exec.TaskID, "me@example.com")), email.ErrBadToken, "made with another key")
	require.ErrorIs(t, unsub.Unsubscribe(ctx, email.UnsubscribeToken(keys, exec.TaskID, "you@example.com")), email.ErrBadToken, "for another address")
	require.ErrorIs(t, unsub.Unsubscribe(ctx, "garbage"), email.ErrBadToken)

	require.NoError(t, unsub.Unsubscribe(ctx, email.UnsubscribeToken(keys, exec.TaskID, "ME@example.com")))
	tk, err := s.GetTask(ctx, u.ID, exec.TaskID)
	require.NoError(t, err)
	require.Equal(t, []task.Notification{{Type: task.ChannelWebhook, URL: "https://example.com/h"}}, tk.Notifications)
	require.ErrorIs(t, unsub.Unsubscribe(ctx, email.UnsubscribeToken(keys, exec.TaskID, "me@example.com")), email.ErrBadToken, "already done")
	require.ErrorIs(t, email.NewUnsubscriber(s, nil).Unsubscribe(ctx, "x"), email.ErrBadToken)
}
