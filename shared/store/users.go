package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
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
// follow the identity provider when it sends them.
func (s *Store) EnsureUser(ctx context.Context, id Identity) (User, error) {
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
	var u User
	err := s.pool.QueryRow(ctx, q, id.ExternalID, id.Email, id.DisplayName).
		Scan(&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
	if err != nil {
		return User{}, fmt.Errorf("ensuring user: %w", translate(err))
	}
	return u, nil
}
