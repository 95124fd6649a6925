package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// FeedToken is what is stored of a user's feed token: the salt it is derived from (with the
// notify key) and the SHA-256 it is looked up by. The token itself is never stored.
type FeedToken struct {
	UserID    uuid.UUID
	Salt      []byte
	Hash      []byte
	CreatedAt time.Time
}

// EnsureFeedToken returns the user's feed token, storing the given salt and hash first when the
// user has none. Two first requests at once both get the one that was stored.
func (s *Store) EnsureFeedToken(ctx context.Context, userID uuid.UUID, salt, hash []byte) (FeedToken, error) {
	r, err := s.q.EnsureFeedToken(ctx, db.EnsureFeedTokenParams{UserID: userID, Salt: salt, TokenHash: hash})
	if err != nil {
		return FeedToken{}, fmt.Errorf("making feed token: %w", translate(err))
	}
	return FeedToken{UserID: r.UserID, Salt: r.Salt, Hash: r.TokenHash, CreatedAt: r.CreatedAt}, nil
}

// RotateFeedToken replaces the user's feed token: the old one stops working at once.
func (s *Store) RotateFeedToken(ctx context.Context, userID uuid.UUID, salt, hash []byte, now time.Time) (FeedToken, error) {
	r, err := s.q.RotateFeedToken(ctx, db.RotateFeedTokenParams{UserID: userID, Salt: salt, TokenHash: hash, Now: now})
	if err != nil {
		return FeedToken{}, fmt.Errorf("rotating feed token: %w", translate(err))
	}
	return FeedToken{UserID: r.UserID, Salt: r.Salt, Hash: r.TokenHash, CreatedAt: r.CreatedAt}, nil
}

// FeedTokenOwner returns the user whose feed token has the given hash and when the token was
// made; an unknown or rotated token is ErrNotFound.
func (s *Store) FeedTokenOwner(ctx context.Context, hash []byte) (uuid.UUID, time.Time, error) {
	r, err := s.q.FeedTokenOwner(ctx, hash)
	if err != nil {
		return uuid.Nil, time.Time{}, fmt.Errorf("looking up feed token: %w", translate(err))
	}
	return r.UserID, r.CreatedAt, nil
}

// FeedEntries returns the user's newest runs that notified, at most limit, newest first, of one
// task when taskID is set: one query, without the deliveries ListNotified attaches (a feed
// reader has no use for them). The caller checks that the task is the user's.
func (s *Store) FeedEntries(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int) ([]Notified, error) {
	rows, err := s.q.ListNotified(ctx, db.ListNotifiedParams{UserID: userID, TaskID: taskID, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing feed entries", func(r db.ListNotifiedRow) Notified {
		return Notified{Execution: executionOf(r.Execution), TaskName: r.TaskName}
	})
}
