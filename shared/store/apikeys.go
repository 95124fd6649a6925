package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// APIKey is a long-lived credential a user made for scripts and the CLI. Only the SHA-256 of
// the key is stored; the key itself is shown once, when it is made.
type APIKey struct {
	ID         uuid.UUID
	UserID     uuid.UUID
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	// Hash is the stored SHA-256 of the key. Only LookupAPIKey fills it, so that the
	// authenticator can compare it in constant time; it never leaves the server.
	Hash []byte
}

// CreateAPIKey stores a new key for the user. The caller validates the name (1 to 100
// characters) and makes the key; a hash that already exists is an ErrConflict.
func (s *Store) CreateAPIKey(ctx context.Context, userID uuid.UUID, name, prefix string, hash []byte) (APIKey, error) {
	r, err := s.q.CreateAPIKey(ctx, db.CreateAPIKeyParams{UserID: userID, Name: name, Prefix: prefix, KeyHash: hash})
	if err != nil {
		return APIKey{}, fmt.Errorf("creating API key: %w", translate(err))
	}
	return apiKeyOf(r), nil
}

// ListAPIKeys returns the user's keys that still work, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID uuid.UUID) ([]APIKey, error) {
	rows, err := s.q.ListAPIKeys(ctx, userID)
	return mapAll(rows, err, "listing API keys", apiKeyOf)
}

// RevokeAPIKey stops the user's key from working, from the next request on. It returns
// ErrNotFound when the key is someone else's, missing, or already revoked.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id uuid.UUID) error {
	n, err := s.q.RevokeAPIKey(ctx, db.RevokeAPIKeyParams{ID: id, UserID: userID})
	if err != nil {
		return fmt.Errorf("revoking API key: %w", translate(err))
	}
	if n == 0 {
		return fmt.Errorf("revoking API key: %w", ErrNotFound)
	}
	return nil
}

// LookupAPIKey finds the unrevoked key with the given hash and the user it acts for, with
// Hash set. It returns ErrNotFound for an unknown or revoked key.
func (s *Store) LookupAPIKey(ctx context.Context, hash []byte) (APIKey, User, error) {
	r, err := s.q.LookupAPIKey(ctx, hash)
	if err != nil {
		return APIKey{}, User{}, fmt.Errorf("looking up API key: %w", translate(err))
	}
	k := apiKeyOf(r.ApiKey)
	k.Hash = r.ApiKey.KeyHash
	u := User{ID: r.ApiKey.UserID, ExternalID: r.ExternalID, Email: str(r.Email), DisplayName: str(r.DisplayName),
		Role: Role(r.Role), CreatedAt: r.UserCreatedAt}
	return k, u, nil
}

// TouchAPIKey records that the key was used at the given time. It writes at most once a
// minute per key, however many instances call it, so a busy key does not cost a write per
// request; a missing key is not an error.
func (s *Store) TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	if err := s.q.TouchAPIKey(ctx, db.TouchAPIKeyParams{ID: id, At: at}); err != nil {
		return fmt.Errorf("touching API key: %w", translate(err))
	}
	return nil
}

// GetUser returns the user with the given id, or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (User, error) {
	r, err := s.q.GetUser(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", translate(err))
	}
	return userOf(r), nil
}
