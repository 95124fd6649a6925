package contract

import (
	"time"

	"github.com/google/uuid"
)

// APIKey is an API key without the key itself: only its prefix, so keys can be told apart.
type APIKey struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// NewAPIKey is a key just made: the only body that ever carries the key itself.
type NewAPIKey struct {
	APIKey
	Key string `json:"key"`
}

// APIKeyInput is the body of POST /api-keys.
type APIKeyInput struct {
	Name string `json:"name"`
}
