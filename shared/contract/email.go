package contract

import "time"

// EmailAddress is an address a user's notifications may go to once verified.
type EmailAddress struct {
	Email      string     `json:"email"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	// CodeExpiresAt is when the outstanding code stops working (unverified addresses only).
	CodeExpiresAt *time.Time `json:"code_expires_at"`
	// Account marks the address the user signs in with, verified by the identity provider.
	Account bool `json:"account"`
}

// EmailInput is the body of POST /emails: the address to send a code to.
type EmailInput struct {
	Email string `json:"email"`
}

// EmailVerifyInput is the body of POST /emails/verify: the address and the code mailed to it.
type EmailVerifyInput struct {
	Email string `json:"email"`
	Code  string `json:"code"`
}

// Unsubscribed is the answer of POST /unsubscribe; it is always true.
type Unsubscribed struct {
	Unsubscribed bool `json:"unsubscribed"`
}

// Mail is an email torale dev kept instead of sending, so local users can read their codes.
type Mail struct {
	To      string            `json:"to"`
	Subject string            `json:"subject"`
	Text    string            `json:"text"`
	HTML    string            `json:"html"`
	Headers map[string]string `json:"headers"`
	SentAt  time.Time         `json:"sent_at"`
}
