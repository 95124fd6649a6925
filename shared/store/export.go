package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
)

// The readers here page through everything one user owns, oldest first, for the export of
// their data (GET /api/v1/me/export); a user may have many runs, so each is read in pages.

// ExportAPIKeys returns every key the user made, revoked ones too, oldest first; never a hash.
func (s *Store) ExportAPIKeys(ctx context.Context, userID uuid.UUID) ([]APIKey, error) {
	rows, err := s.q.ExportAPIKeys(ctx, userID)
	return mapAll(rows, err, "exporting API keys", apiKeyOf)
}

// ExportTasks returns a page of the user's tasks, oldest first.
func (s *Store) ExportTasks(ctx context.Context, userID uuid.UUID, limit int, after *Cursor) ([]task.Task, error) {
	at, id := keyset(after)
	rows, err := s.q.ExportTasks(ctx, db.ExportTasksParams{UserID: userID, AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "exporting tasks", taskOf)
}

// RunWithSteps is a run with its trail, as the export carries it.
type RunWithSteps struct {
	task.Execution
	Steps []task.Step
}

// ExportExecutions returns a page of the user's runs of every task, oldest first, each with
// its steps.
func (s *Store) ExportExecutions(ctx context.Context, userID uuid.UUID, limit int, after *Cursor) ([]RunWithSteps, error) {
	at, id := keyset(after)
	rows, err := s.q.ExportExecutions(ctx, db.ExportExecutionsParams{UserID: userID, AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("exporting executions: %w", translate(err))
	}
	out := make([]RunWithSteps, len(rows))
	for i, r := range rows {
		var steps []doc.Step
		if err := json.Unmarshal(r.Steps, &steps); err != nil {
			return nil, fmt.Errorf("decoding a run's steps: %w", err)
		}
		out[i] = RunWithSteps{Execution: executionOf(r.Execution), Steps: doc.TaskSteps(steps)}
	}
	return out, nil
}

// ExportDeliveries returns a page of the user's deliveries on every channel, oldest first, each
// with its attempts.
func (s *Store) ExportDeliveries(ctx context.Context, userID uuid.UUID, limit int, after *Cursor) ([]DeliveryLog, error) {
	at, id := keyset(after)
	rows, err := s.q.ExportDeliveries(ctx, db.ExportDeliveriesParams{UserID: userID, AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	list, err := mapAll(rows, err, "exporting deliveries", func(r db.ExportDeliveriesRow) DeliveryLog {
		return DeliveryLog{Delivery: deliveryOf(r.NotificationDelivery), TaskName: r.TaskName, AttemptLog: []AttemptRecord{}}
	})
	if err != nil {
		return nil, err
	}
	return list, s.attachAttempts(ctx, list)
}

// MemoryFact is one fact a task reported, kept so it is not reported twice.
type MemoryFact struct {
	ID          uuid.UUID
	TaskID      uuid.UUID
	ExecutionID *uuid.UUID
	Fact        string
	CreatedAt   time.Time
}

// ExportMemory returns a page of the facts the user's tasks remember, oldest first.
func (s *Store) ExportMemory(ctx context.Context, userID uuid.UUID, limit int, after *Cursor) ([]MemoryFact, error) {
	at, id := keyset(after)
	rows, err := s.q.ExportMemory(ctx, db.ExportMemoryParams{UserID: userID, AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "exporting task memory", func(r db.TaskMemory) MemoryFact {
		return MemoryFact{ID: r.ID, TaskID: r.TaskID, ExecutionID: r.ExecutionID, Fact: r.Fact, CreatedAt: r.CreatedAt}
	})
}

// PageText is the last text a change-mode task read from one of its pages.
type PageText struct {
	TaskID    uuid.UUID
	URL       string
	Text      string
	UpdatedAt time.Time
}

// ExportSnapshots returns the last text of every page the user's change-mode tasks read (one
// row per task and page, so few).
func (s *Store) ExportSnapshots(ctx context.Context, userID uuid.UUID) ([]PageText, error) {
	rows, err := s.q.ExportSnapshots(ctx, userID)
	return mapAll(rows, err, "exporting page snapshots", func(r db.ExportSnapshotsRow) PageText {
		return PageText{TaskID: r.TaskID, URL: r.Url, Text: r.Text, UpdatedAt: r.UpdatedAt}
	})
}

// ExportAdminActions returns what admins did to the user's account, oldest first.
func (s *Store) ExportAdminActions(ctx context.Context, userID uuid.UUID) ([]AdminAction, error) {
	rows, err := s.q.ExportAdminActions(ctx, &userID)
	return mapAll(rows, err, "exporting admin actions", func(r db.AdminAction) AdminAction { return adminActionOf(r, "", "") })
}

// FeedCreatedAt says when the user's current feed token was made; nil when they have none.
func (s *Store) FeedCreatedAt(ctx context.Context, userID uuid.UUID) (*time.Time, error) {
	at, err := s.q.FeedTokenCreatedAt(ctx, userID)
	if errors.Is(translate(err), ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the feed token: %w", translate(err))
	}
	return &at, nil
}

// Redeliver queues the delivered or failed delivery id names for sending again, as a new
// delivery of the same run to the same stored target, due now. ErrNotFound when it is not the
// user's; a ConflictError while it is still being delivered, or when it is a failure alert's
// message rather than a run's notification.
func (s *Store) Redeliver(ctx context.Context, userID, id uuid.UUID, now time.Time) (task.Delivery, error) {
	r, err := s.q.InsertRedelivery(ctx, db.InsertRedeliveryParams{ID: id, UserID: userID, Now: now})
	if err == nil {
		return deliveryOf(r), nil
	}
	if !errors.Is(translate(err), ErrNotFound) {
		return task.Delivery{}, fmt.Errorf("redelivering: %w", translate(err))
	}
	d, err := s.q.GetDelivery(ctx, db.GetDeliveryParams{ID: id, UserID: userID})
	if err != nil {
		return task.Delivery{}, fmt.Errorf("reading delivery: %w", translate(err))
	}
	if d.AlertID != nil {
		return task.Delivery{}, &ConflictError{Reason: "This is a failure alert's message; only a run's notifications are sent again."}
	}
	return task.Delivery{}, &ConflictError{Reason: "This delivery is still being sent; redeliver it once it is delivered or has failed."}
}
