package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// Notified is a run that told the user something, with the delivery of each channel.
type Notified struct {
	task.Execution
	TaskName   string
	Deliveries []AttemptedDelivery
}

// AttemptedDelivery is one channel's delivery with every attempt at it, oldest first: email and
// webhook alike, since the outbox logs each try of every channel.
type AttemptedDelivery struct {
	task.Delivery
	AttemptLog []AttemptRecord
}

// ListNotified returns the user's runs that notified, newest first: of one task when taskID is
// set, else of every task.
func (s *Store) ListNotified(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *Cursor) ([]Notified, error) {
	if taskID != nil {
		if _, err := s.GetTask(ctx, userID, *taskID); err != nil {
			return nil, err
		}
	}
	at, id := keyset(after)
	rows, err := s.q.ListNotified(ctx, db.ListNotifiedParams{UserID: userID, TaskID: taskID, AfterAt: at, AfterID: id,
		MaxRows: int32(limit)})
	list, err := mapAll(rows, err, "listing notifications", func(r db.ListNotifiedRow) Notified {
		return Notified{Execution: executionOf(r.Execution), TaskName: r.TaskName, Deliveries: []AttemptedDelivery{}}
	})
	if err != nil {
		return nil, err
	}
	return list, s.attachDeliveries(ctx, userID, list)
}

// attachDeliveries fills in each run's deliveries and their attempts: two queries for the whole
// page, whatever its length.
func (s *Store) attachDeliveries(ctx context.Context, userID uuid.UUID, list []Notified) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(list))
	index := map[uuid.UUID]int{}
	for i, n := range list {
		ids[i], index[n.ID] = n.ID, i
	}
	ds, err := s.q.DeliveriesOf(ctx, db.DeliveriesOfParams{UserID: userID, ExecutionIds: ids})
	if err != nil {
		return fmt.Errorf("listing deliveries: %w", translate(err))
	}
	deliveryIDs := make([]uuid.UUID, len(ds))
	for i, d := range ds {
		deliveryIDs[i] = d.ID
	}
	logs, err := s.attemptLogs(ctx, deliveryIDs)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.ExecutionID == nil {
			continue // an alert's message, not a run's
		}
		i := index[*d.ExecutionID]
		list[i].Deliveries = append(list[i].Deliveries, AttemptedDelivery{Delivery: deliveryOf(d), AttemptLog: logs[d.ID]})
	}
	return nil
}
