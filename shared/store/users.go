package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// Role is what a user may do beyond their own data.
type Role string

// The roles a user can hold.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// User is an account, created the first time its identity is seen.
type User struct {
	ID          uuid.UUID
	ExternalID  string
	Email       string
	DisplayName string
	Role        Role
	CreatedAt   time.Time
	// DeactivatedAt is when an admin deactivated the account; nil while it may sign in.
	DeactivatedAt *time.Time
	// SpendCapUSD is the user's own monthly model-spend cap, set by an admin; nil means the
	// platform's (TORALE_MONTHLY_SPEND_CAP_USD). Only GetUser reads it.
	SpendCapUSD *float64
}

// Identity is who an authenticator says a caller is.
type Identity struct {
	ExternalID  string
	Email       string
	DisplayName string
}

// ErrDeactivated means the account exists but an admin deactivated it: it may not sign in.
var ErrDeactivated = errors.New("this account is deactivated")

// EnsureUser returns the user with id.ExternalID, creating it on first sight, or
// ErrDeactivated; the check is part of the statements that read the user. Email and name
// follow the identity provider when it sends them. It runs on every authenticated request, so
// the common case (known user, nothing changed) is a single read.
func (s *Store) EnsureUser(ctx context.Context, id Identity) (User, error) {
	r, err := s.q.UserByExternalID(ctx, id.ExternalID)
	u := userOf(r)
	switch {
	case err == nil && (id.Email == "" || id.Email == u.Email) && (id.DisplayName == "" || id.DisplayName == u.DisplayName):
		return u, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return User{}, fmt.Errorf("reading user: %w", translate(err))
	}
	r, err = s.q.UpsertUser(ctx, db.UpsertUserParams{ExternalID: id.ExternalID, Email: id.Email, DisplayName: id.DisplayName})
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrDeactivated // the row exists, and the upsert's own check refused it
	}
	if err != nil {
		return User{}, fmt.Errorf("ensuring user: %w", translate(err))
	}
	return userOf(r), nil
}

// SetUserRole makes a user an admin or takes it away. Operators call it; no API does.
func (s *Store) SetUserRole(ctx context.Context, id uuid.UUID, role Role) error {
	n, err := s.q.SetUserRole(ctx, db.SetUserRoleParams{ID: id, Role: string(role)})
	if err != nil {
		return fmt.Errorf("setting role: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ErrAmbiguousUser means an email address names more than one user: name the user by id.
var ErrAmbiguousUser = errors.New("more than one user has this email address")

// FindUser returns the user ref names: a user id, or an email address (compared without case).
// It returns ErrNotFound when there is none and ErrAmbiguousUser when an address names several.
func (s *Store) FindUser(ctx context.Context, ref string) (User, error) {
	if id, err := uuid.Parse(ref); err == nil {
		r, err := s.q.GetUser(ctx, id)
		if err != nil {
			return User{}, fmt.Errorf("reading user: %w", translate(err))
		}
		return userOf(r), nil
	}
	rows, err := s.q.UsersByEmail(ctx, ref)
	if err != nil {
		return User{}, fmt.Errorf("reading users: %w", translate(err))
	}
	switch len(rows) {
	case 0:
		return User{}, ErrNotFound
	case 1:
		return userOf(rows[0]), nil
	}
	return User{}, ErrAmbiguousUser
}
