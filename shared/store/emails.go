package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// One sender at a time per user and address, so the count below is exact.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1::text || lower($2), 0))`,
			v.UserID, v.Email); err != nil {
			return translate(err)
		}
		var recent []time.Time
		rows, err := tx.Query(ctx, `SELECT created_at FROM email_verifications
			WHERE user_id = $1 AND lower(email) = lower($2) AND created_at > $3 ORDER BY created_at`,
			v.UserID, v.Email, v.Now.Add(-time.Hour))
		if err != nil {
			return translate(err)
		}
		if recent, err = pgx.CollectRows(rows, pgx.RowTo[time.Time]); err != nil {
			return translate(err)
		}
		if len(recent) >= v.MaxPerHour {
			return &RateLimitError{RetryAt: recent[len(recent)-v.MaxPerHour].Add(time.Hour),
				Reason: fmt.Sprintf("%d codes were sent to this address in the last hour", len(recent))}
		}
		_, err = tx.Exec(ctx, `INSERT INTO email_verifications (id, user_id, email, code_hash, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, v.ID, v.UserID, v.Email, v.CodeHash, v.ExpiresAt, v.Now)
		return translate(err)
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, user_id, email, code_hash, attempts, expires_at, verified_at, created_at
			FROM email_verifications WHERE user_id = $1 AND lower(email) = lower($2) AND verified_at IS NULL
			ORDER BY created_at DESC LIMIT 1 FOR UPDATE`, userID, email).
			Scan(&v.ID, &v.UserID, &v.Email, &v.CodeHash, &v.Attempts, &v.ExpiresAt, &v.VerifiedAt, &v.CreatedAt)
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
			_, err := tx.Exec(ctx, `UPDATE email_verifications SET attempts = attempts + 1 WHERE id = $1`, v.ID)
			return translate(err)
		}
		outcome = CodeVerified
		// An address verified twice (say, in two cases) keeps its first verification.
		if _, err := tx.Exec(ctx, `DELETE FROM email_verifications WHERE user_id = $1 AND lower(email) = lower($2)
			AND verified_at IS NOT NULL`, userID, email); err != nil {
			return translate(err)
		}
		_, err = tx.Exec(ctx, `UPDATE email_verifications SET verified_at = $2, attempts = attempts + 1 WHERE id = $1`, v.ID, now)
		v.VerifiedAt = &now
		return translate(err)
	})
	if err != nil {
		return v, outcome, fmt.Errorf("checking email code: %w", err)
	}
	return v, outcome, nil
}

// EmailAddress is a notification address of a user: verified, or waiting for its code.
type EmailAddress struct {
	Email      string     `json:"email"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	// CodeExpiresAt is when the outstanding code stops working (unverified addresses only).
	CodeExpiresAt *time.Time `json:"code_expires_at"`
	// Account marks the address the user signs in with, verified by the identity provider.
	Account bool `json:"account"`
}

// ListEmails returns the user's verified addresses and those with a code outstanding, the
// sign-in address of a Clerk user first.
func (s *Store) ListEmails(ctx context.Context, userID uuid.UUID, now time.Time) ([]EmailAddress, error) {
	rows, err := s.pool.Query(ctx, `
SELECT email, true, NULL::timestamptz, NULL::timestamptz, true FROM users
 WHERE id = $1 AND external_id LIKE 'clerk:%' AND COALESCE(email, '') <> ''
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (lower(email)) email, verified_at IS NOT NULL, verified_at,
           CASE WHEN verified_at IS NULL THEN expires_at END, false
      FROM email_verifications
     WHERE user_id = $1 AND (verified_at IS NOT NULL OR expires_at > $2)
     ORDER BY lower(email), verified_at IS NULL, created_at DESC
) v
ORDER BY 5 DESC, 1`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("listing emails: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[EmailAddress])
	if err != nil {
		return nil, fmt.Errorf("listing emails: %w", translate(err))
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
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM email_verifications WHERE user_id = $1 AND lower(email) = lower($2) AND verified_at IS NOT NULL
	) OR EXISTS (
		SELECT 1 FROM users WHERE id = $1 AND external_id LIKE 'clerk:%' AND lower(email) = lower($2)
	)`, userID, email).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("checking email: %w", translate(err))
	}
	return ok, nil
}

// DeleteEmail forgets the user's address: its verification and any outstanding code.
// ErrNotFound when there was neither.
func (s *Store) DeleteEmail(ctx context.Context, userID uuid.UUID, email string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM email_verifications WHERE user_id = $1 AND lower(email) = lower($2)`, userID, email)
	if err != nil {
		return fmt.Errorf("deleting email: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		t, err = scanTask(tx.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1 FOR UPDATE`, taskID))
		if err != nil {
			return translate(err)
		}
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
		_, err = tx.Exec(ctx, `UPDATE tasks SET notifications = $2 WHERE id = $1`, taskID, kept)
		return translate(err)
	})
	if err != nil {
		return task.Task{}, fmt.Errorf("unsubscribing: %w", err)
	}
	return t, nil
}

// MarkEmailVerified records that the user owns email without a code: an address their identity
// provider vouches for. It is a no-op when the address is already verified.
func (s *Store) MarkEmailVerified(ctx context.Context, userID uuid.UUID, email string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO email_verifications (user_id, email, code_hash, expires_at, verified_at)
		SELECT $1, lower($2), '\x'::bytea, $3, $3
		WHERE NOT EXISTS (SELECT 1 FROM email_verifications
			WHERE user_id = $1 AND lower(email) = lower($2) AND verified_at IS NOT NULL)`, userID, email, at)
	if err != nil {
		return fmt.Errorf("marking email verified: %w", translate(err))
	}
	return nil
}
