package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
	if _, err := s.GetTask(ctx, userID, taskID); err != nil {
		return nil, err
	}
	return queryAll(ctx, s.pool, "reading task memory", pgx.RowTo[string], `SELECT fact FROM task_memory WHERE task_id = $1 AND user_id = $2
		ORDER BY created_at DESC, id LIMIT $3`, taskID, userID, limit)
}

// AddTaskMemory records facts a run of the task reported. Blank facts and facts the task
// already holds are skipped; the oldest facts beyond the newest 200 are forgotten. It returns
// ErrNotFound when the task is not the user's.
func (s *Store) AddTaskMemory(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, facts []string, now time.Time) error {
	clean := cleanFacts(facts)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := getTask(ctx, tx, userID, taskID, ""); err != nil {
			return err
		}
		if len(clean) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO task_memory (task_id, user_id, execution_id, fact, created_at)
			SELECT $1, $2, (SELECT id FROM executions WHERE id = $3 AND task_id = $1 AND user_id = $2), f.fact, $5
			FROM unnest($4::text[]) AS f(fact)
			WHERE NOT EXISTS (SELECT 1 FROM task_memory m WHERE m.task_id = $1 AND m.fact = f.fact)`,
			taskID, userID, executionID, clean, now); err != nil {
			return translate(err)
		}
		_, err := tx.Exec(ctx, `DELETE FROM task_memory WHERE task_id = $1 AND id NOT IN
			(SELECT id FROM task_memory WHERE task_id = $1 ORDER BY created_at DESC, id LIMIT $2)`, taskID, taskMemoryKeep)
		return translate(err)
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
