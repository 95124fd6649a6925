package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Mail is an email the local platform would have sent.
type Mail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	SentAt  time.Time `json:"sent_at"`
}

// Mailbox is the email sender of a local platform without SMTP: it keeps the newest messages
// in memory and logs each, so a developer sees what users would receive.
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

// Send keeps the message.
func (b *Mailbox) Send(_ context.Context, m Message) (Receipt, error) {
	mail := Mail{To: m.Delivery.Target, Subject: "Torale: " + m.Task.Name, SentAt: b.now()}
	if r := m.Execution.Result; r != nil && r.Notification != nil {
		mail.Body = *r.Notification
	}
	b.mu.Lock()
	b.mail = append(b.mail, mail)
	if len(b.mail) > 100 {
		b.mail = b.mail[len(b.mail)-100:]
	}
	b.mu.Unlock()
	b.log.Info("local mailbox received an email", "to", mail.To, "subject", mail.Subject)
	return Receipt{}, nil
}

// Mail returns the kept messages, oldest first.
func (b *Mailbox) Mail() []Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Mail(nil), b.mail...)
}
