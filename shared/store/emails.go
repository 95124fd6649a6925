package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
)

// Addresses are compared without regard to case: a code sent to Me@Example.com verifies
// me@example.com, the address tasks store.

// EmailVerification is one code sent to prove a user owns an address.
type EmailVerification struct {
	ID         uuid.UUID
	UserID     uuid.UUID
	Email      string
	CodeHash   []byte
	Attempts   int
	ExpiresAt  time.Time
	VerifiedAt *time.Time
	CreatedAt  time.Time
}

// RateLimitError says a limit was reached and when the next try may succeed.
type RateLimitError struct {
	RetryAt time.Time
	Reason  string
}

func (e *RateLimitError) Error() string { return e.Reason }

// NewEmailVerification is a code about to be sent.
type NewEmailVerification struct {
	ID        uuid.UUID // chosen by the caller, who salts the code's hash with it
	UserID    uuid.UUID
	Email     string
	CodeHash  []byte
	Now       time.Time
	ExpiresAt time.Time
	// MaxPerHour bounds the codes sent to one address for one user in any hour.
	MaxPerHour int
}

// CreateEmailVerification stores a code to send, unless MaxPerHour codes went to the address in
// the last hour: then it returns a *RateLimitError saying when the next may go.
func (s *Store) CreateEmailVerification(ctx context.Context, v NewEmailVerification) error {
	err := s.inTx(ctx, func(q *db.Queries) error {
		if err := q.LockEmailSender(ctx, db.LockEmailSenderParams{UserID: v.UserID, Email: v.Email}); err != nil {
			return translate(err)
		}
		recent, err := q.RecentCodeTimes(ctx, db.RecentCodeTimesParams{UserID: v.UserID, Email: v.Email,
			Since: v.Now.Add(-time.Hour)})
		if err != nil {
			return translate(err)
		}
		if len(recent) >= v.MaxPerHour {
			return &RateLimitError{RetryAt: recent[len(recent)-v.MaxPerHour].Add(time.Hour),
				Reason: fmt.Sprintf("%d codes were sent to this address in the last hour", len(recent))}
		}
		return translate(q.InsertEmailVerification(ctx, db.InsertEmailVerificationParams{ID: v.ID, UserID: v.UserID,
			Email: v.Email, CodeHash: v.CodeHash, ExpiresAt: v.ExpiresAt, CreatedAt: v.Now}))
	})
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	if err != nil {
		return fmt.Errorf("creating email verification: %w", err)
	}
	return nil
}

// CodeOutcome is what checking a verification code found.
type CodeOutcome int

// The outcomes of CheckEmailCode.
const (
	CodeVerified  CodeOutcome = iota // the code matched; the address is verified
	CodeWrong                        // it did not match; the attempt was counted
	CodeExpired                      // the newest code is past its expiry
	CodeExhausted                    // the newest code had no attempts left
	CodeNone                         // no code is outstanding for the address
)

// CheckEmailCode checks a code against the newest outstanding code for the user's address:
// match says whether it fits the stored hash. A wrong code uses one of maxAttempts; a right one
// marks the address verified. The returned verification carries the attempts used.
func (s *Store) CheckEmailCode(ctx context.Context, userID uuid.UUID, email string, now time.Time, maxAttempts int,
	match func(v EmailVerification) bool) (EmailVerification, CodeOutcome, error) {
	var v EmailVerification
	outcome := CodeNone
	err := s.inTx(ctx, func(q *db.Queries) error {
		r, err := q.OutstandingCodeForUpdate(ctx, db.OutstandingCodeForUpdateParams{UserID: userID, Email: email})
		v = EmailVerification(r)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return translate(err)
		case !now.Before(v.ExpiresAt):
			outcome = CodeExpired
			return nil
		case v.Attempts >= maxAttempts:
			outcome = CodeExhausted
			return nil
		case !match(v):
			outcome = CodeWrong
			v.Attempts++
			return translate(q.CountCodeAttempt(ctx, v.ID))
		}
		outcome = CodeVerified
		// An address verified twice (say, in two cases) keeps its first verification.
		if err := q.DeleteVerifiedEmail(ctx, db.DeleteVerifiedEmailParams{UserID: userID, Email: email}); err != nil {
			return translate(err)
		}
		v.VerifiedAt = &now
		return translate(q.MarkCodeVerified(ctx, db.MarkCodeVerifiedParams{ID: v.ID, VerifiedAt: now}))
	})
	if err != nil {
		return v, outcome, fmt.Errorf("checking email code: %w", err)
	}
	return v, outcome, nil
}

// EmailAddress is a notification address of a user: verified, or waiting for its code.
type EmailAddress struct {
	Email      string
	Verified   bool
	VerifiedAt *time.Time
	// CodeExpiresAt is when the outstanding code stops working (unverified addresses only).
	CodeExpiresAt *time.Time
	// Account marks the address the user signs in with, verified by the identity provider.
	Account bool
}

// ListEmails returns the user's verified addresses and those with a code outstanding, the
// sign-in address of a Clerk user first.
func (s *Store) ListEmails(ctx context.Context, userID uuid.UUID, now time.Time) ([]EmailAddress, error) {
	rows, err := s.q.ListEmails(ctx, db.ListEmailsParams{UserID: userID, Now: now})
	list, err := mapAll(rows, err, "listing emails", func(r db.ListEmailsRow) EmailAddress { return EmailAddress(r) })
	if err != nil {
		return nil, err
	}
	return dedupeEmails(list), nil
}

// dedupeEmails keeps one entry per address, preferring a verified one.
func dedupeEmails(in []EmailAddress) []EmailAddress {
	out := []EmailAddress{}
	seen := map[string]int{}
	for _, e := range in {
		k := strings.ToLower(e.Email)
		if i, ok := seen[k]; ok {
			if e.Verified && !out[i].Verified {
				out[i] = e
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, e)
	}
	return out
}

// EmailVerified reports whether the user may receive notifications at email: they verified it,
// or it is the sign-in address of their Clerk account.
func (s *Store) EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error) {
	ok, err := s.q.EmailVerified(ctx, db.EmailVerifiedParams{UserID: userID, Email: email})
	if err != nil {
		return false, fmt.Errorf("checking email: %w", translate(err))
	}
	return ok != nil && *ok, nil
}

// DeleteEmail forgets the user's address: its verification and any outstanding code.
// ErrNotFound when there was neither.
func (s *Store) DeleteEmail(ctx context.Context, userID uuid.UUID, email string) error {
	n, err := s.q.DeleteEmail(ctx, db.DeleteEmailParams{UserID: userID, Email: email})
	if err != nil {
		return fmt.Errorf("deleting email: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// UnsubscribeTaskEmail removes the email notification from a task on behalf of its recipient,
// who proves it with a token rather than a sign-in: allowed says whether the token fits the
// task's owner and current address. It returns the task. ErrNotFound when the task is gone,
// has no email notification, or the token does not fit (an address changed since).
func (s *Store) UnsubscribeTaskEmail(ctx context.Context, taskID uuid.UUID, allowed func(userID uuid.UUID, email string) bool) (task.Task, error) {
	var t task.Task
	err := s.inTx(ctx, func(q *db.Queries) error {
		r, err := q.GetTaskByIDForUpdate(ctx, taskID)
		if err != nil {
			return translate(err)
		}
		t = taskOf(r)
		kept := []task.Notification{}
		removed := false
		for _, n := range t.Notifications {
			if n.Type == task.ChannelEmail && allowed(t.UserID, n.Address) {
				removed = true
				continue
			}
			kept = append(kept, n)
		}
		if !removed {
			return ErrNotFound
		}
		// updated_at stays: the user did not edit the task, and a run in flight keeps its
		// claim on the next run time.
		t.Notifications = kept
		return translate(q.SetTaskNotifications(ctx, db.SetTaskNotificationsParams{ID: taskID,
			Notifications: doc.FromNotifications(kept)}))
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("unsubscribing: %w", err)
	}
	return t, nil
}

// MarkEmailVerified records that the user owns email without a code: an address their identity
// provider vouches for. It is a no-op when the address is already verified.
func (s *Store) MarkEmailVerified(ctx context.Context, userID uuid.UUID, email string, at time.Time) error {
	err := s.q.MarkEmailVerified(ctx, db.MarkEmailVerifiedParams{UserID: userID, Email: email, At: at})
	if err != nil {
		return fmt.Errorf("marking email verified: %w", translate(err))
	}
	return nil
}
