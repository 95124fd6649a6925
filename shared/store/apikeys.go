package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// APIKey is a long-lived credential a user made for scripts and the CLI. Only the SHA-256 of
// the key is stored; the key itself is shown once, when it is made.
type APIKey struct {
	ID         uuid.UUID  `json:"id"`
	UserID     uuid.UUID  `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Hash is the stored SHA-256 of the key. Only LookupAPIKey fills it, so that the
	// authenticator can compare it in constant time; it never leaves the server.
	Hash []byte `json:"-"`
}

const apiKeyColumns = `k.id, k.user_id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at`

func scanAPIKey(row pgx.Row) (APIKey, error) {
	var k APIKey
	err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
	return k, err
}

// CreateAPIKey stores a new key for the user. The caller validates the name (1 to 100
// characters) and makes the key; a hash that already exists is an ErrConflict.
func (s *Store) CreateAPIKey(ctx context.Context, userID uuid.UUID, name, prefix string, hash []byte) (APIKey, error) {
	const q = `
INSERT INTO api_keys AS k (user_id, name, prefix, key_hash)
VALUES ($1, $2, $3, $4)
RETURNING ` + apiKeyColumns
	k, err := scanAPIKey(s.pool.QueryRow(ctx, q, userID, name, prefix, hash))
	if err != nil {
		return APIKey{}, fmt.Errorf("creating API key: %w", translate(err))
	}
	return k, nil
}

// ListAPIKeys returns the user's keys that still work, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID uuid.UUID) ([]APIKey, error) {
	const q = `SELECT ` + apiKeyColumns + ` FROM api_keys k
WHERE k.user_id = $1 AND k.revoked_at IS NULL
ORDER BY k.created_at DESC, k.id DESC`
	return queryAll(ctx, s.pool, "listing API keys", func(r pgx.CollectableRow) (APIKey, error) { return scanAPIKey(r) }, q, userID)
}

// RevokeAPIKey stops the user's key from working, from the next request on. It returns
// ErrNotFound when the key is someone else's, missing, or already revoked.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id uuid.UUID) error {
	const q = `UPDATE api_keys SET revoked_at = now()
WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`
	tag, err := s.pool.Exec(ctx, q, id, userID)
	if err != nil {
		return fmt.Errorf("revoking API key: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoking API key: %w", ErrNotFound)
	}
	return nil
}

// LookupAPIKey finds the unrevoked key with the given hash and the user it acts for, with
// Hash set. It returns ErrNotFound for an unknown or revoked key.
func (s *Store) LookupAPIKey(ctx context.Context, hash []byte) (APIKey, User, error) {
	const q = `SELECT ` + apiKeyColumns + `, k.key_hash,
       u.id, u.external_id, COALESCE(u.email, ''), COALESCE(u.display_name, ''), u.role, u.created_at
FROM api_keys k JOIN users u ON u.id = k.user_id
WHERE k.key_hash = $1 AND k.revoked_at IS NULL`
	var k APIKey
	var u User
	err := s.pool.QueryRow(ctx, q, hash).Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.CreatedAt,
		&k.LastUsedAt, &k.RevokedAt, &k.Hash,
		&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
	if err != nil {
		return APIKey{}, User{}, fmt.Errorf("looking up API key: %w", translate(err))
	}
	return k, u, nil
}

// TouchAPIKey records that the key was used at the given time. It writes at most once a
// minute per key, however many instances call it, so a busy key does not cost a write per
// request; a missing key is not an error.
func (s *Store) TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	const q = `UPDATE api_keys SET last_used_at = $2
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`
	if _, err := s.pool.Exec(ctx, q, id, at); err != nil {
		return fmt.Errorf("touching API key: %w", translate(err))
	}
	return nil
}

// GetUser returns the user with the given id, or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (User, error) {
	return getUser(ctx, s.pool, id)
}

func getUser(ctx context.Context, q querier, id uuid.UUID) (User, error) {
	const sql = `SELECT id, external_id, COALESCE(email, ''), COALESCE(display_name, ''), role, created_at
FROM users WHERE id = $1`
	var u User
	err := q.QueryRow(ctx, sql, id).Scan(&u.ID, &u.ExternalID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt)
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", translate(err))
	}
	return u, nil
}
