package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// Snapshot is the last read of one page of a change-mode task: its normalised text (the task's
// whole memory of the page) and the validators that make the next read conditional.
type Snapshot struct {
	URL          string
	Text         string
	ETag         string
	LastModified string
	UpdatedAt    time.Time
}

// PageSnapshot returns the task's last read of url, or ErrNotFound before the first (or when
// the task is not the user's).
func (s *Store) PageSnapshot(ctx context.Context, userID, taskID uuid.UUID, url string) (Snapshot, error) {
	r, err := s.q.PageSnapshot(ctx, db.PageSnapshotParams{TaskID: taskID, UserID: userID, Url: url})
	if errors.Is(err, pgx.ErrNoRows) {
		return Snapshot{}, ErrNotFound
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("reading page snapshot: %w", err)
	}
	return Snapshot{URL: url, Text: r.Text, ETag: r.Etag, LastModified: r.LastModified, UpdatedAt: r.UpdatedAt}, nil
}

// SavePageSnapshot keeps snap as the task's last read of its page, replacing the one before.
// It returns ErrNotFound when the task is gone or not the user's.
func (s *Store) SavePageSnapshot(ctx context.Context, userID, taskID uuid.UUID, snap Snapshot, now time.Time) error {
	n, err := s.q.SavePageSnapshot(ctx, db.SavePageSnapshotParams{Url: snap.URL, Text: storable(snap.Text),
		Etag: storable(snap.ETag), LastModified: storable(snap.LastModified), Now: now, TaskID: taskID, UserID: userID})
	if err != nil {
		return fmt.Errorf("saving page snapshot: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// storable makes text PostgreSQL can hold: valid UTF-8 without NUL characters, which a page
// may carry and a text column refuses.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
