// Package email is the email notification channel: it renders notifications and verification
// codes (text and HTML, from templates), mails them through SMTP or the local mailbox of torale
// dev, sends only to addresses their user verified, and carries out one-click unsubscribe links.
package email

import (
	"context"
	"net/mail"
	"strings"

	"github.com/google/uuid"
)

// Message is one email to send: a plain-text and an HTML body of the same content.
type Message struct {
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
	Mail(ctx context.Context, e Message) error
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
