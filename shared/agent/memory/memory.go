// Package memory keeps, per task, the facts already reported to its user, so a later run does
// not notify about the same news again. Postgres keeps them in the task_memory table (the
// default); Mem0 keeps them in Mem0's hosted platform when MEM0_API_KEY is set.
package memory

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Store is the part of the database the Postgres memory uses.
type Store interface {
	TaskMemory(ctx context.Context, userID, taskID uuid.UUID, limit int) ([]string, error)
	AddTaskMemory(ctx context.Context, userID, taskID uuid.UUID, executionID *uuid.UUID, facts []string, now time.Time) error
}

// Postgres is task memory in PostgreSQL.
type Postgres struct {
	store Store
	now   func() time.Time
}

// NewPostgres returns memory kept by s; now is the clock.
func NewPostgres(s Store, now func() time.Time) *Postgres {
	if now == nil {
		now = time.Now
	}
	return &Postgres{store: s, now: now}
}

// Recall returns task t's newest facts: those the gate read with t (t.RunReads), else read now.
// Its search query is not needed: every fact is a candidate.
func (p *Postgres) Recall(ctx context.Context, t task.Task) ([]string, error) {
	if t.RunReads != nil {
		return t.RunReads.Facts, nil
	}
	return p.store.TaskMemory(ctx, t.UserID, t.ID, task.FactsRecalled)
}

// Remember keeps facts reported by an execution.
func (p *Postgres) Remember(ctx context.Context, userID, taskID, executionID uuid.UUID, facts []string) error {
	return p.store.AddTaskMemory(ctx, userID, taskID, &executionID, facts, p.now())
}
