package email

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// Store says whether a user proved they own an address, and how much mail they got.
type Store interface {
	EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error)
	DeliveredSince(ctx context.Context, userID uuid.UUID, channel task.ChannelType, since time.Time) (int, error)
}

// MaxPerHour caps the notification emails one user is sent in any hour; the rest wait
// (as retries) until the hour has room, so a burst of always-notifying tasks cannot flood an
// inbox or the sending domain's reputation.
const MaxPerHour = 60

// Sender is the email channel's outbox.Sender: it renders a notification and mails it, but only
// to an address its user verified, and at most MaxPerHour an hour per user.
type Sender struct {
	mailer Mailer
	store  Store
	render *Renderer
	now    func() time.Time
}

// NewSender returns the email channel.
func NewSender(m Mailer, s Store, r *Renderer, now func() time.Time) *Sender {
	return &Sender{mailer: m, store: s, render: r, now: now}
}

// Send mails m to the delivery's address. An unverified address fails for good: mail goes only
// to addresses their user proved they own.
func (s *Sender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	to := m.Delivery.Target
	ok, err := s.store.EmailVerified(ctx, m.Delivery.UserID, to)
	if err != nil {
		return outbox.Receipt{}, err
	}
	if !ok {
		return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("%s is not a verified address: verify it in your notification emails (POST /api/v1/emails), and later notifications will reach it", to))
	}
	sent, err := s.store.DeliveredSince(ctx, m.Delivery.UserID, task.ChannelEmail, s.now().Add(-time.Hour))
	if err != nil {
		return outbox.Receipt{}, err
	}
	if sent >= MaxPerHour {
		return outbox.Receipt{RetryAfter: 15 * time.Minute}, fmt.Errorf("%d notification emails went to you in the last hour, the most allowed; this one waits", sent)
	}
	render := s.render.Notification
	if m.Alert != nil {
		render = s.render.Alert
	}
	e, err := render(m)
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("rendering the email: %w", err))
	}
	e.MessageID = m.Delivery.ID.String() + "@torale"
	start := s.now()
	err = s.mailer.Mail(ctx, e)
	// The latency is the mail server's alone, as a webhook's is its endpoint's; the code is the
	// server's refusal, if it gave one.
	return outbox.Receipt{ResponseCode: ReplyCode(err), Latency: s.now().Sub(start)}, err
}
