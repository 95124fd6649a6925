package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Email is one message to send: a plain-text and an HTML body of the same content.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields, such as List-Unsubscribe.
	Headers map[string]string
	// MessageID, when set, is the Message-ID without angle brackets; a delivery keeps it across
	// retries so mail clients can drop a duplicate.
	MessageID string
	// UserID is whom the email is for; only the local mailbox uses it, to list a user's mail.
	UserID uuid.UUID
}

// Mailer sends emails: SMTP, or the local mailbox of torale dev.
type Mailer interface {
	Mail(ctx context.Context, e Email) error
}

// EmailStore says whether a user proved they own an address, and how much mail they got.
type EmailStore interface {
	EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error)
	DeliveredSince(ctx context.Context, userID uuid.UUID, channel task.ChannelType, since time.Time) (int, error)
}

// MaxEmailsPerHour caps the notification emails one user is sent in any hour; the rest wait
// (as retries) until the hour has room, so a burst of always-notifying tasks cannot flood an
// inbox or the sending domain's reputation.
const MaxEmailsPerHour = 60

// EmailSender is the email channel's Sender: it renders a notification and mails it, but only
// to an address its user verified, and at most MaxEmailsPerHour an hour per user.
type EmailSender struct {
	mailer Mailer
	store  EmailStore
	render *Renderer
	now    func() time.Time
}

// NewEmailSender returns the email channel.
func NewEmailSender(m Mailer, s EmailStore, r *Renderer, now func() time.Time) *EmailSender {
	return &EmailSender{mailer: m, store: s, render: r, now: now}
}

// Send mails m to the delivery's address. An unverified address fails for good: mail goes only
// to addresses their user proved they own.
func (s *EmailSender) Send(ctx context.Context, m Message) (Receipt, error) {
	to := m.Delivery.Target
	ok, err := s.store.EmailVerified(ctx, m.Delivery.UserID, to)
	if err != nil {
		return Receipt{}, err
	}
	if !ok {
		return Receipt{}, fmt.Errorf("%s is not a verified address: verify it in your notification emails (POST /api/v1/emails), and later notifications will reach it: %w", to, ErrPermanent)
	}
	sent, err := s.store.DeliveredSince(ctx, m.Delivery.UserID, task.ChannelEmail, s.now().Add(-time.Hour))
	if err != nil {
		return Receipt{}, err
	}
	if sent >= MaxEmailsPerHour {
		return Receipt{RetryAfter: 15 * time.Minute}, fmt.Errorf("%d notification emails went to you in the last hour, the most allowed; this one waits", sent)
	}
	e, err := s.render.Notification(m)
	if err != nil {
		return Receipt{}, fmt.Errorf("rendering the email: %w: %w", err, ErrPermanent)
	}
	e.MessageID = m.Delivery.ID.String() + "@torale"
	if err := s.mailer.Mail(ctx, e); err != nil {
		return Receipt{}, err
	}
	return Receipt{}, nil
}

// NormalizeAddress checks a plain address (name@example.com) and lower-cases its domain, as
// task notifications store it. ok is false when it is not one.
func NormalizeAddress(addr string) (string, bool) {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndex(addr, "@")
	if at <= 0 || at == len(addr)-1 || len(addr) > 254 {
		return addr, false
	}
	norm := addr[:at+1] + strings.ToLower(addr[at+1:])
	parsed, err := mail.ParseAddress(norm)
	if err != nil || parsed.Name != "" || parsed.Address != norm || !strings.Contains(norm[at+1:], ".") {
		return addr, false
	}
	return norm, true
}
