package email

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Mail is an email the local platform would have sent.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string
	SentAt  time.Time
	userID  uuid.UUID
}

// mailboxSize is how many messages the mailbox keeps.
const mailboxSize = 200

// Mailbox is the Mailer of a local platform without SMTP: it keeps the newest messages in
// memory and logs each, so a developer sees what users would receive (verification codes
// included) at GET /api/v1/dev/mailbox.
type Mailbox struct {
	log  *slog.Logger
	now  func() time.Time
	mu   sync.Mutex
	mail []Mail
}

// NewMailbox returns an empty mailbox.
func NewMailbox(log *slog.Logger, now func() time.Time) *Mailbox {
	return &Mailbox{log: log, now: now}
}

// Mail keeps the message.
func (b *Mailbox) Mail(_ context.Context, e Message) error {
	m := Mail{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML, Headers: e.Headers, SentAt: b.now(), userID: e.UserID}
	if m.Headers == nil {
		m.Headers = map[string]string{}
	}
	b.mu.Lock()
	b.mail = append(b.mail, m)
	if len(b.mail) > mailboxSize {
		b.mail = b.mail[len(b.mail)-mailboxSize:]
	}
	b.mu.Unlock()
	b.log.Info("local mailbox received an email", slog.String("to", m.To), slog.String("subject", m.Subject))
	return nil
}

// All returns every kept message, oldest first.
func (b *Mailbox) All() []Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Mail(nil), b.mail...)
}

// For returns the kept messages meant for the user, newest first.
func (b *Mailbox) For(userID uuid.UUID) []Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []Mail{}
	for i := len(b.mail) - 1; i >= 0; i-- {
		if b.mail[i].userID == userID {
			out = append(out, b.mail[i])
		}
	}
	return out
}
