package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// Bounds on a task's memory: a fact is cut to the column's limit, and only the newest facts are
// kept so a task that notifies forever does not grow without end.
const (
	maxFactChars   = 4000
	taskMemoryKeep = 200
)

// TaskMemory returns up to limit facts the task has reported, newest first. It returns
// ErrNotFound when the task is not the user's.
func (s *Store) TaskMemory(ctx context.Context, userID, taskID uuid.UUID, limit int) ([]string, error) {
	facts, err := s.q.TaskMemory(ctx, db.TaskMemoryParams{TaskID: taskID, UserID: userID, MaxRows: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("reading task memory: %w", translate(err))
	}
	return facts, nil
}

// AddTaskMemory records facts a run of the task reported. Blank facts and facts the task
// already holds are skipped; the oldest facts beyond the newest 200 are forgotten. It returns
// ErrNotFound when the task is not the user's.
func (s *Store) AddTaskMemory(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, facts []string, now time.Time) error {
	clean := cleanFacts(facts)
	err := s.inTx(ctx, func(q *db.Queries) error {
		if _, err := q.GetTask(ctx, db.GetTaskParams{ID: taskID, UserID: userID}); err != nil {
			return fmt.Errorf("reading task: %w", translate(err))
		}
		if len(clean) == 0 {
			return nil
		}
		if err := q.AddTaskMemory(ctx, db.AddTaskMemoryParams{TaskID: taskID, UserID: userID,
			ExecutionID: executionID, Facts: clean, Now: now}); err != nil {
			return translate(err)
		}
		return translate(q.TrimTaskMemory(ctx, db.TrimTaskMemoryParams{TaskID: taskID, Keep: taskMemoryKeep}))
	})
	if err != nil {
		return fmt.Errorf("adding task memory: %w", err)
	}
	return nil
}

// cleanFacts trims facts, cuts them to the column's limit and drops blanks and repeats.
func cleanFacts(facts []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range facts {
		f = strings.TrimSpace(strings.ToValidUTF8(f, "\uFFFD"))
		f = strings.ReplaceAll(f, "\x00", "")
		if utf8.RuneCountInString(f) > maxFactChars {
			f = string([]rune(f)[:maxFactChars])
		}
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}
