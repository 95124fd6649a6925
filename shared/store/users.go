package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
	ID          uuid.UUID `json:"id"`
	ExternalID  string    `json:"-"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Role        Role      `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
}

// Identity is who an authenticator says a caller is.
type Identity struct {
	ExternalID  string
	Email       string
	DisplayName string
}

// EnsureUser returns the user with id.ExternalID, creating it on first sight. Email and name
// follow the identity provider when it sends them. It runs on every authenticated request, so
// the common case (known user, nothing changed) is a single read.
func (s *Store) EnsureUser(ctx context.Context, id Identity) (User, error) {
	var u User
	err := s.pool.QueryRow(ctx, `SELECT id, external_id, COALESCE(email, ''), COALESCE(display_name, ''), role, created_at
		FROM users WHERE external_id = $1`, id.ExternalID).
		Scan(&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
	switch {
	case err == nil && (id.Email == "" || id.Email == u.Email) && (id.DisplayName == "" || id.DisplayName == u.DisplayName):
		return u, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return User{}, fmt.Errorf("reading user: %w", translate(err))
	}
	const q = `
INSERT INTO users (external_id, email, display_name)
VALUES ($1, NULLIF($2, ''), NULLIF($3, ''))
ON CONFLICT (external_id) DO UPDATE
   SET email = COALESCE(EXCLUDED.email, users.email),
       display_name = COALESCE(EXCLUDED.display_name, users.display_name),
       updated_at = CASE WHEN EXCLUDED.email IS DISTINCT FROM users.email
                           OR EXCLUDED.display_name IS DISTINCT FROM users.display_name
                         THEN now() ELSE users.updated_at END
RETURNING id, external_id, COALESCE(email, ''), COALESCE(display_name, ''), role, created_at`
	err = s.pool.QueryRow(ctx, q, id.ExternalID, id.Email, id.DisplayName).
		Scan(&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
	if err != nil {
		return User{}, fmt.Errorf("ensuring user: %w", translate(err))
	}
	return u, nil
}

// SetUserRole makes a user an admin or takes it away. Operators call it; no API does.
func (s *Store) SetUserRole(ctx context.Context, id uuid.UUID, role Role) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, id, role)
	if err != nil {
		return fmt.Errorf("setting role: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
