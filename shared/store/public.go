package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// The queries in this file serve public watches to anyone: each reads a task only while it is
// public, so a watch made private answers ErrNotFound from the next request on.

// GetPublicTask returns the public watch with the given slug, or ErrNotFound when there is none
// or it is private.
func (s *Store) GetPublicTask(ctx context.Context, slug string) (task.Task, error) {
	r, err := s.q.GetPublicTask(ctx, &slug)
	if err != nil {
		return task.Task{}, fmt.Errorf("reading public task: %w", translate(err))
	}
	return taskOf(r), nil
}

// PublicCursor is a position in the list of public watches: the last row a page returned. It
// holds the slug, not the task's id, which the public never sees.
type PublicCursor struct {
	PublishedAt time.Time
	Slug        string
}

// ListPublicTasks returns a page of public watches, most recently published first; a non-empty
// query keeps those whose name, query or condition match it (PostgreSQL's web search syntax:
// words, "quoted phrases", -excluded).
func (s *Store) ListPublicTasks(ctx context.Context, query string, limit int, after *PublicCursor) ([]task.Task, error) {
	var at *time.Time
	var slug *string
	if after != nil {
		at, slug = &after.PublishedAt, &after.Slug
	}
	if query = strings.TrimSpace(query); query != "" {
		rows, err := s.q.SearchPublicTasks(ctx, db.SearchPublicTasksParams{Query: query, AfterAt: at, AfterSlug: slug, MaxRows: int32(limit)})
		return mapAll(rows, err, "searching public tasks", taskOf)
	}
	rows, err := s.q.ListPublicTasks(ctx, db.ListPublicTasksParams{AfterAt: at, AfterSlug: slug, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing public tasks", taskOf)
}

// PublicResults returns a task's newest successful runs with a result created since since (its
// latest publish), at most limit. The caller has checked the task is public; only the run's
// time and result are filled in.
func (s *Store) PublicResults(ctx context.Context, taskID uuid.UUID, since time.Time, limit int) ([]task.Execution, error) {
	rows, err := s.q.PublicResults(ctx, db.PublicResultsParams{TaskID: taskID, Since: since, MaxRows: int32(limit)})
	return mapAll(rows, err, "reading public results", func(r db.PublicResultsRow) task.Execution {
		return task.Execution{ID: r.ID, TaskID: taskID, Status: task.StatusSuccess, CreatedAt: r.CreatedAt,
			FinishedAt: r.FinishedAt, Result: r.Result.Task()}
	})
}

// nullStr stores an empty string as NULL, for nullable text columns such as a slug not made yet.
func nullStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
