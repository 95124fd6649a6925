package contract

import (
	"time"

	"github.com/google/uuid"
)

// Role is what a user may do beyond their own data.
type Role string

// The roles of an account.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// User is an account, as GET /me and the admin console show it.
type User struct {
	ID          uuid.UUID `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Role        Role      `json:"role"`
	// IsAdmin is Role == admin, spelled out so a client need not know the roles to show the
	// admin console.
	IsAdmin   bool      `json:"is_admin"`
	CreatedAt time.Time `json:"created_at"`
	// DeactivatedAt is when an admin deactivated the account (admin views only show one);
	// null while it may sign in.
	DeactivatedAt *time.Time `json:"deactivated_at"`
}
