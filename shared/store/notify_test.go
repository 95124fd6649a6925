package store_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func salt(b byte) []byte { return bytes.Repeat([]byte{b}, 16) }

func TestWebhookSettingsAndRotation(t *testing.T) {
	b := setup(t)
	var wg sync.WaitGroup
	got := make([]store.Webhook, 8)
	for i := range got {
		wg.Go(func() {
			w, err := b.store.EnsureWebhook(b.ctx, b.user.ID, salt(byte(i+1)), "")
			require.NoError(t, err)
			got[i] = w
		})
	}
	wg.Wait()
	for _, w := range got {
		require.Equal(t, got[0].SecretSalt, w.SecretSalt, "the first salt stays")
	}
	require.False(t, got[0].Enabled)
	require.Empty(t, got[0].URL)

	w, err := b.store.SetWebhook(b.ctx, b.user.ID, "https://example.com/h", true, salt(9), "", b.now)
	require.NoError(t, err)
	require.True(t, w.Enabled)
	require.Equal(t, got[0].SecretSalt, w.SecretSalt, "setting the URL keeps the secret")

	keep := b.now.Add(24 * time.Hour)
	r, err := b.store.RotateWebhookSecret(b.ctx, b.user.ID, salt(42), "", b.now, keep)
	require.NoError(t, err)
	require.Equal(t, salt(42), r.SecretSalt)
	require.Equal(t, got[0].SecretSalt, r.PreviousSalt)
	require.WithinDuration(t, keep, *r.PreviousExpiresAt, time.Millisecond)

	_, err = b.store.RotateWebhookSecret(b.ctx, b.other.ID, salt(1), "", b.now, keep)
	require.ErrorIs(t, err, store.ErrNotFound, "bob has no webhook to rotate")
	_, err = b.store.GetWebhook(b.ctx, b.other.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestDisabledWebhooks(t *testing.T) {
	b := setup(t)
	_, err := b.store.SetWebhook(b.ctx, b.user.ID, "https://example.com/default", true, salt(1), "", b.now)
	require.NoError(t, err)
	require.NoError(t, b.store.DisableWebhookURL(b.ctx, b.user.ID, "https://example.com/default", "410 Gone", b.now))
	require.NoError(t, b.store.DisableWebhookURL(b.ctx, b.user.ID, "https://example.com/task", "410 Gone", b.now))
	require.NoError(t, b.store.DisableWebhookURL(b.ctx, b.user.ID, "https://example.com/task", "again", b.now), "twice is fine")

	w, err := b.store.GetWebhook(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.False(t, w.Enabled, "a disabled default is switched off")
	list, err := b.store.DisabledWebhooks(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	d, err := b.store.WebhookDisabled(b.ctx, b.user.ID, "https://example.com/task")
	require.NoError(t, err)
	require.Equal(t, "410 Gone", d.Reason)

	_, err = b.store.WebhookDisabled(b.ctx, b.other.ID, "https://example.com/task")
	require.ErrorIs(t, err, store.ErrNotFound, "bob's deliveries to the same URL are not affected")
	require.ErrorIs(t, b.store.EnableWebhookURL(b.ctx, b.other.ID, "https://example.com/task"), store.ErrNotFound)
	none, err := b.store.DisabledWebhooks(b.ctx, b.other.ID)
	require.NoError(t, err)
	require.Empty(t, none)

	require.NoError(t, b.store.EnableWebhookURL(b.ctx, b.user.ID, "https://example.com/task"))
	_, err = b.store.SetWebhook(b.ctx, b.user.ID, "https://example.com/default", true, salt(1), "", b.now)
	require.NoError(t, err)
	list, err = b.store.DisabledWebhooks(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Empty(t, list, "enabling the default again clears its disabling")
}

// notified writes a notified run of tk and returns its deliveries.
func (b testBundle) notified(t *testing.T, tk task.Task, at time.Time) []task.Delivery {
	t.Helper()
	e, err := b.store.StartExecution(b.ctx, store.StartRun{UserID: tk.UserID, TaskID: tk.ID, ScheduledFor: &at,
		Now: at, Deadline: at.Add(time.Minute)})
	require.NoError(t, err)
	note := "news"
	ds, err := b.store.FinishExecution(b.ctx, store.Outcome{ExecutionID: e.ID, UserID: tk.UserID, TaskID: tk.ID,
		Attempt: 1, Now: at, Status: task.StatusSuccess, Result: &task.Result{Notification: &note}, Notify: tk.Notifications})
	require.NoError(t, err)
	return ds
}

func (b testBundle) webhookTask(t *testing.T, user store.User) task.Task {
	t.Helper()
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: user.ID, Name: "Hooked", SearchQuery: "iphone release",
		ConditionDescription: "announced", Timezone: "UTC", NotifyBehavior: task.NotifyAlways,
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: "https://example.com/h"}},
		State:         task.StateActive, NextRunAt: &b.now})
	require.NoError(t, err)
	return tk
}

func TestClaimDeliveryByID(t *testing.T) {
	b := setup(t)
	d := b.notified(t, b.webhookTask(t, b.user), b.now)[0]

	_, err := b.store.ClaimDelivery(b.ctx, d.ID, b.now.Add(-time.Second), b.now.Add(time.Minute))
	require.ErrorIs(t, err, store.ErrNotFound, "not due yet")
	due, err := b.store.DueDeliveries(b.ctx, b.now, 10)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{d.ID}, due)

	c, err := b.store.ClaimDelivery(b.ctx, d.ID, b.now, b.now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, c.Attempts)
	_, err = b.store.ClaimDelivery(b.ctx, d.ID, b.now, b.now.Add(time.Minute))
	require.ErrorIs(t, err, store.ErrNotFound, "held by the lease")
	due, err = b.store.DueDeliveries(b.ctx, b.now, 10)
	require.NoError(t, err)
	require.Empty(t, due)

	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: d.ID, Number: 1, At: b.now, OK: true, ResponseCode: 204}))
	_, err = b.store.ClaimDelivery(b.ctx, d.ID, b.now.Add(time.Hour), b.now.Add(2*time.Hour))
	require.ErrorIs(t, err, store.ErrNotFound, "a delivered row is never claimed again")
	_, err = b.store.ClaimDelivery(b.ctx, uuid.New(), b.now, b.now)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestDeliveryLogListsAttemptsPerUser(t *testing.T) {
	b := setup(t)
	tk := b.webhookTask(t, b.user)
	var ids []uuid.UUID
	for i := range 3 {
		d := b.notified(t, tk, b.now.Add(time.Duration(i)*time.Minute))[0]
		ids = append(ids, d.ID)
	}
	first := ids[0]
	_, err := b.store.ClaimDelivery(b.ctx, first, b.now, b.now.Add(time.Minute))
	require.NoError(t, err)
	retry := b.now.Add(time.Minute)
	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: first, Number: 1, At: b.now,
		ResponseCode: 503, Latency: 120 * time.Millisecond, Error: "the endpoint answered 503", RetryAt: &retry}))
	_, err = b.store.ClaimDelivery(b.ctx, first, retry, retry.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, b.store.RecordAttempt(b.ctx, store.Attempt{DeliveryID: first, Number: 2, At: retry, OK: true, ResponseCode: 200, Latency: 80 * time.Millisecond}))

	page, err := b.store.ListDeliveryLog(b.ctx, b.user.ID, task.ChannelWebhook, &tk.ID, 2, nil)
	require.NoError(t, err)
	require.Len(t, page, 2)
	require.Equal(t, ids[2], page[0].ID, "newest first")
	rest, err := b.store.ListDeliveryLog(b.ctx, b.user.ID, task.ChannelWebhook, nil, 10,
		&store.Cursor{CreatedAt: page[1].CreatedAt, ID: page[1].ID})
	require.NoError(t, err)
	require.Len(t, rest, 1)
	log := rest[0]
	require.Equal(t, first, log.ID)
	require.Equal(t, "Hooked", log.TaskName)
	require.Len(t, log.AttemptLog, 2)
	require.False(t, log.AttemptLog[0].OK)
	require.Equal(t, 503, *log.AttemptLog[0].ResponseCode)
	require.Equal(t, 120, log.AttemptLog[0].LatencyMS)
	require.Equal(t, "the endpoint answered 503", log.AttemptLog[0].Error)
	require.True(t, log.AttemptLog[1].OK)

	emails, err := b.store.ListDeliveryLog(b.ctx, b.user.ID, task.ChannelEmail, nil, 10, nil)
	require.NoError(t, err)
	require.Empty(t, emails)
	theirs, err := b.store.ListDeliveryLog(b.ctx, b.other.ID, task.ChannelWebhook, nil, 10, nil)
	require.NoError(t, err)
	require.Empty(t, theirs)
	_, err = b.store.ListDeliveryLog(b.ctx, b.other.ID, task.ChannelWebhook, &tk.ID, 10, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestEmailVerificationRecords(t *testing.T) {
	b := setup(t)
	newCode := func(at time.Time, email string) (uuid.UUID, error) {
		id := uuid.New()
		return id, b.store.CreateEmailVerification(b.ctx, store.NewEmailVerification{ID: id, UserID: b.user.ID,
			Email: email, CodeHash: id[:], Now: at, ExpiresAt: at.Add(15 * time.Minute), MaxPerHour: 3})
	}
	for i := range 3 {
		_, err := newCode(b.now.Add(time.Duration(i)*time.Minute), "Me@example.com")
		require.NoError(t, err)
	}
	_, err := newCode(b.now.Add(10*time.Minute), "me@example.com")
	var rl *store.RateLimitError
	require.ErrorAs(t, err, &rl, "three codes an hour, whatever the case")
	require.WithinDuration(t, b.now.Add(time.Hour), rl.RetryAt, time.Millisecond)
	_, err = newCode(b.now.Add(61*time.Minute), "me@example.com")
	require.NoError(t, err, "the hour has passed for the oldest")

	match := func(want bool) func(store.EmailVerification) bool {
		return func(store.EmailVerification) bool { return want }
	}
	at := b.now.Add(62 * time.Minute)
	v, out, err := b.store.CheckEmailCode(b.ctx, b.user.ID, "me@example.com", at, 2, match(false))
	require.NoError(t, err)
	require.Equal(t, store.CodeWrong, out)
	require.Equal(t, 1, v.Attempts)
	_, out, err = b.store.CheckEmailCode(b.ctx, b.other.ID, "me@example.com", at, 2, match(true))
	require.NoError(t, err)
	require.Equal(t, store.CodeNone, out, "bob cannot use alice's code")
	_, out, _ = b.store.CheckEmailCode(b.ctx, b.user.ID, "me@example.com", at, 2, match(false))
	require.Equal(t, store.CodeWrong, out)
	_, out, _ = b.store.CheckEmailCode(b.ctx, b.user.ID, "me@example.com", at, 2, match(true))
	require.Equal(t, store.CodeExhausted, out, "two tries were allowed")

	ok, err := b.store.EmailVerified(b.ctx, b.user.ID, "me@example.com")
	require.NoError(t, err)
	require.False(t, ok)
	_, err = newCode(b.now.Add(130*time.Minute), "me@example.com")
	require.NoError(t, err)
	_, out, _ = b.store.CheckEmailCode(b.ctx, b.user.ID, "ME@example.com", b.now.Add(146*time.Minute), 5, match(true))
	require.Equal(t, store.CodeExpired, out)
	_, err = newCode(b.now.Add(150*time.Minute), "me@example.com")
	require.NoError(t, err)
	v, out, err = b.store.CheckEmailCode(b.ctx, b.user.ID, "me@example.com", b.now.Add(151*time.Minute), 5, match(true))
	require.NoError(t, err)
	require.Equal(t, store.CodeVerified, out)
	require.NotNil(t, v.VerifiedAt)

	ok, err = b.store.EmailVerified(b.ctx, b.user.ID, "ME@EXAMPLE.COM")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.store.EmailVerified(b.ctx, b.other.ID, "me@example.com")
	require.NoError(t, err)
	require.False(t, ok)

	_, err = newCode(b.now.Add(152*time.Minute), "other@example.com")
	require.NoError(t, err)
	list, err := b.store.ListEmails(b.ctx, b.user.ID, b.now.Add(153*time.Minute))
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "me@example.com", list[0].Email)
	require.True(t, list[0].Verified)
	require.Equal(t, "other@example.com", list[1].Email)
	require.False(t, list[1].Verified)
	require.NotNil(t, list[1].CodeExpiresAt)

	require.ErrorIs(t, b.store.DeleteEmail(b.ctx, b.other.ID, "me@example.com"), store.ErrNotFound)
	require.NoError(t, b.store.DeleteEmail(b.ctx, b.user.ID, "me@example.com"))
	ok, err = b.store.EmailVerified(b.ctx, b.user.ID, "me@example.com")
	require.NoError(t, err)
	require.False(t, ok)
}

func TestClerkSignInAddressCountsAsVerified(t *testing.T) {
	b := setup(t)
	clerk, err := b.store.EnsureUser(b.ctx, store.Identity{ExternalID: "clerk:user_1", Email: "carol@example.com"})
	require.NoError(t, err)
	ok, err := b.store.EmailVerified(b.ctx, clerk.ID, "Carol@Example.com")
	require.NoError(t, err)
	require.True(t, ok)
	list, err := b.store.ListEmails(b.ctx, clerk.ID, b.now)
	require.NoError(t, err)
	require.Equal(t, []store.EmailAddress{{Email: "carol@example.com", Verified: true, Account: true}}, list)

	ok, err = b.store.EmailVerified(b.ctx, b.user.ID, "alice@example.com")
	require.NoError(t, err)
	require.False(t, ok, "a dev user's address is not vouched for by an identity provider")
}

func TestUnsubscribeTaskEmail(t *testing.T) {
	b := setup(t)
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Both", SearchQuery: "iphone release",
		ConditionDescription: "c", Timezone: "UTC", NotifyBehavior: task.NotifyAlways, State: task.StateActive, NextRunAt: &b.now,
		Notifications: []task.Notification{{Type: task.ChannelEmail, Address: "a@example.com"}, {Type: task.ChannelWebhook}}})
	require.NoError(t, err)
	never := func(uuid.UUID, string) bool { return false }
	_, err = b.store.UnsubscribeTaskEmail(b.ctx, tk.ID, never)
	require.ErrorIs(t, err, store.ErrNotFound)
	var sawUser uuid.UUID
	got, err := b.store.UnsubscribeTaskEmail(b.ctx, tk.ID, func(u uuid.UUID, email string) bool {
		sawUser = u
		return email == "a@example.com"
	})
	require.NoError(t, err)
	require.Equal(t, b.user.ID, sawUser)
	require.Equal(t, []task.Notification{{Type: task.ChannelWebhook}}, got.Notifications)
	after, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.Equal(t, got.Notifications, after.Notifications)
	require.Equal(t, tk.UpdatedAt, after.UpdatedAt)
	_, err = b.store.UnsubscribeTaskEmail(b.ctx, tk.ID, func(uuid.UUID, string) bool { return true })
	require.ErrorIs(t, err, store.ErrNotFound, "nothing left to remove")
}
