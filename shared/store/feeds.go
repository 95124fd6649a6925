package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
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
	if errors.Is(err, pgx.ErrNoRows) {
		// Another request stored the token after this statement's snapshot was taken, so its
		// read half saw nothing; a new statement sees the stored row.
		got, gerr := s.q.GetFeedToken(ctx, userID)
		if gerr != nil {
			return FeedToken{}, fmt.Errorf("reading feed token: %w", translate(gerr))
		}
		return FeedToken{UserID: got.UserID, Salt: got.Salt, Hash: got.TokenHash, CreatedAt: got.CreatedAt}, nil
	}
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

// Feed is what a feed shows: whose it is and their newest runs that notified.
type Feed struct {
	UserID uuid.UUID
	// TokenMadeAt is when the token was made, the feed's time while it has no entries.
	TokenMadeAt time.Time
	// TaskName names the feed's task, when it is one task's.
	TaskName string
	// Entries are newest first, without deliveries (a feed reader has no use for them).
	Entries []Notified
}

// ReadFeed returns the feed of the token with the given hash, at most limit entries, of one task
// when taskID is set: one query for the owner, the task and the entries. An unknown or rotated
// token, or a task that is not the owner's, is ErrNotFound.
func (s *Store) ReadFeed(ctx context.Context, hash []byte, taskID *uuid.UUID, limit int) (Feed, error) {
	r, err := s.q.ReadFeed(ctx, db.ReadFeedParams{TokenHash: hash, TaskID: taskID, MaxRows: limit})
	if err != nil {
		return Feed{}, fmt.Errorf("reading feed: %w", translate(err))
	}
	if taskID != nil && !r.TaskFound {
		return Feed{}, fmt.Errorf("reading feed: %w", ErrNotFound)
	}
	var rows []struct {
		ID         uuid.UUID   `json:"id"`
		TaskID     uuid.UUID   `json:"task_id"`
		TaskName   string      `json:"task_name"`
		CreatedAt  time.Time   `json:"created_at"`
		FinishedAt *time.Time  `json:"finished_at"`
		Result     *doc.Result `json:"result"`
	}
	if err := json.Unmarshal(r.Entries, &rows); err != nil {
		return Feed{}, fmt.Errorf("reading feed entries: %w", err)
	}
	f := Feed{UserID: r.UserID, TokenMadeAt: r.TokenMadeAt, TaskName: r.FeedTaskName, Entries: make([]Notified, len(rows))}
	for i, e := range rows {
		f.Entries[i] = Notified{TaskName: e.TaskName, Execution: task.Execution{ID: e.ID, TaskID: e.TaskID, UserID: r.UserID,
			Status: task.StatusSuccess, CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt, Result: e.Result.Task()}}
	}
	return f, nil
}
