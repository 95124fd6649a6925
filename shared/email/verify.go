package email

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// The rules of address verification.
const (
	CodeTTL         = 15 * time.Minute
	MaxCodeAttempts = 5
	MaxCodesPerHour = 3
)

// VerifyStore is the database side of address verification.
type VerifyStore interface {
	CreateEmailVerification(ctx context.Context, v store.NewEmailVerification) error
	CheckEmailCode(ctx context.Context, userID uuid.UUID, email string, now time.Time, maxAttempts int,
		match func(v store.EmailVerification) bool) (store.EmailVerification, store.CodeOutcome, error)
	ListEmails(ctx context.Context, userID uuid.UUID, now time.Time) ([]store.EmailAddress, error)
	EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error)
	DeleteEmail(ctx context.Context, userID uuid.UUID, email string) error
}

// Verifier proves that users own the addresses their notifications go to: it mails a 6-digit
// code (stored only as a hash, valid 15 minutes, 5 tries, 3 codes an hour per address) and
// marks the address verified when the code comes back.
type Verifier struct {
	store  VerifyStore
	mailer Mailer // nil: no way to send codes on this deployment
	render *Renderer
	now    func() time.Time
	log    *slog.Logger
}

// NewVerifier returns the verifier; a nil mailer makes Start fail with outbox.ErrNotConfigured.
func NewVerifier(s VerifyStore, m Mailer, r *Renderer, now func() time.Time, log *slog.Logger) *Verifier {
	return &Verifier{store: s, mailer: m, render: r, now: now, log: log}
}

func invalid(field, msg string) error {
	return &task.ValidationError{Fields: []task.FieldError{{Field: field, Message: msg}}}
}

func normalize(email string) (string, error) {
	norm, ok := NormalizeAddress(email)
	if !ok {
		return "", invalid("email", "must be a plain email address such as name@example.com")
	}
	return norm, nil
}

// Start sends a code to the user's address. An address already verified is returned as it is
// and no code goes out. Too many codes for the address return a *store.RateLimitError.
func (v *Verifier) Start(ctx context.Context, user store.User, email string) (store.EmailAddress, bool, error) {
	email, err := normalize(email)
	if err != nil {
		return store.EmailAddress{}, false, err
	}
	if ok, err := v.store.EmailVerified(ctx, user.ID, email); err != nil {
		return store.EmailAddress{}, false, err
	} else if ok {
		return v.find(ctx, user.ID, email)
	}
	if v.mailer == nil {
		return store.EmailAddress{}, false, fmt.Errorf("sending email is %w (set TORALE_SMTP_URL)", outbox.ErrNotConfigured)
	}
	code, err := newCode()
	if err != nil {
		return store.EmailAddress{}, false, err
	}
	now := v.now()
	id := uuid.New()
	expires := now.Add(CodeTTL)
	if err := v.store.CreateEmailVerification(ctx, store.NewEmailVerification{ID: id, UserID: user.ID, Email: email,
		CodeHash: hashCode(id, code), Now: now, ExpiresAt: expires, MaxPerHour: MaxCodesPerHour}); err != nil {
		return store.EmailAddress{}, false, err
	}
	e, err := v.render.Code(email, code, int(CodeTTL/time.Minute))
	if err != nil {
		return store.EmailAddress{}, false, err
	}
	e.UserID = user.ID
	// A code that could not be sent still counts toward the hourly limit, so a failing mail
	// server is not hammered by retries.
	if err := v.mailer.Mail(ctx, e); err != nil {
		v.log.WarnContext(ctx, "sending a verification code failed", slog.String("user_id", user.ID.String()), slog.String("error", err.Error()))
		return store.EmailAddress{}, false, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	return store.EmailAddress{Email: email, CodeExpiresAt: &expires}, true, nil
}

// Confirm checks a code for the user's address and returns the address, verified. A wrong,
// expired or used-up code is a *task.ValidationError saying what to do.
func (v *Verifier) Confirm(ctx context.Context, userID uuid.UUID, email, code string) (store.EmailAddress, error) {
	email, err := normalize(email)
	if err != nil {
		return store.EmailAddress{}, err
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return store.EmailAddress{}, invalid("code", "must be the 6 digits from the email")
	}
	rec, outcome, err := v.store.CheckEmailCode(ctx, userID, email, v.now(), MaxCodeAttempts,
		func(r store.EmailVerification) bool { return hmac.Equal(hashCode(r.ID, code), r.CodeHash) })
	if err != nil {
		return store.EmailAddress{}, err
	}
	switch outcome {
	case store.CodeVerified:
		addr, _, err := v.find(ctx, userID, email)
		return addr, err
	case store.CodeWrong:
		left := MaxCodeAttempts - rec.Attempts
		if left <= 0 {
			return store.EmailAddress{}, invalid("code", "is not the code we sent, and no tries are left; ask for a new code")
		}
		return store.EmailAddress{}, invalid("code", fmt.Sprintf("is not the code we sent; %d tries left", left))
	case store.CodeExpired:
		return store.EmailAddress{}, invalid("code", "has expired; ask for a new code")
	case store.CodeExhausted:
		return store.EmailAddress{}, invalid("code", "was tried too many times; ask for a new code")
	}
	if ok, err := v.store.EmailVerified(ctx, userID, email); err == nil && ok {
		return v.findOnly(ctx, userID, email)
	}
	return store.EmailAddress{}, invalid("email", "no code is waiting for this address; ask for one first (POST /api/v1/emails)")
}

// List returns the user's addresses: verified ones and those waiting for a code.
func (v *Verifier) List(ctx context.Context, userID uuid.UUID) ([]store.EmailAddress, error) {
	return v.store.ListEmails(ctx, userID, v.now())
}

// ErrNotSent means the mail server did not take a verification email; try again later.
var ErrNotSent = errors.New("the code could not be sent")

// ErrAccountAddress refuses removing the address a user signs in with.
var ErrAccountAddress = errors.New("this is the address you sign in with; it stays verified")

// Delete forgets one of the user's addresses. ErrNotFound when the user has no such address.
func (v *Verifier) Delete(ctx context.Context, userID uuid.UUID, email string) error {
	email = strings.TrimSpace(email)
	list, err := v.List(ctx, userID)
	if err != nil {
		return err
	}
	for _, a := range list {
		if a.Account && strings.EqualFold(a.Email, email) {
			return ErrAccountAddress
		}
	}
	return v.store.DeleteEmail(ctx, userID, email)
}

func (v *Verifier) find(ctx context.Context, userID uuid.UUID, email string) (store.EmailAddress, bool, error) {
	a, err := v.findOnly(ctx, userID, email)
	return a, false, err
}

func (v *Verifier) findOnly(ctx context.Context, userID uuid.UUID, email string) (store.EmailAddress, error) {
	list, err := v.List(ctx, userID)
	if err != nil {
		return store.EmailAddress{}, err
	}
	for _, a := range list {
		if strings.EqualFold(a.Email, email) {
			return a, nil
		}
	}
	return store.EmailAddress{}, store.ErrNotFound
}

// newCode draws a uniformly random 6-digit code.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("drawing a code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// hashCode is what is stored of a code: SHA-256 over the verification's id and the code.
func hashCode(id uuid.UUID, code string) []byte {
	h := sha256.New()
	h.Write(id[:])
	h.Write([]byte(code))
	return h.Sum(nil)
}
