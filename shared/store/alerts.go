package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// AlertTarget is one place an alert's messages go: an email address, or a webhook (an empty
// URL is the user's default).
type AlertTarget struct {
	Channel task.ChannelType
	Target  string
}

// NewAlert is an alert to open and where to tell its owner.
type NewAlert struct {
	UserID, TaskID  uuid.UUID
	Cause           task.AlertCause
	Message, Advice string
	Now             time.Time
	To              []AlertTarget
}

// OpenAlert opens a, with one outbox row per target, in one transaction. When the task already
// has an open alert of that cause (or is not the user's) nothing is written and opened is false:
// the owner was told already.
func (s *Store) OpenAlert(ctx context.Context, a NewAlert) (alert task.Alert, deliveries []task.Delivery, opened bool, err error) {
	err = s.inTx(ctx, func(q *db.Queries) error {
		r, err := q.OpenAlert(ctx, db.OpenAlertParams{UserID: a.UserID, TaskID: a.TaskID, Cause: a.Cause,
			Message: a.Message, Advice: a.Advice, Now: a.Now})
		if errors.Is(translate(err), ErrNotFound) {
			return nil // open already, or not the user's task
		}
		if err != nil {
			return translate(err)
		}
		alert, opened = alertOf(r), true
		deliveries, err = insertAlertDeliveries(ctx, q, alert, task.AlertOpened, a.To, a.Now)
		return err
	})
	if err != nil {
		return task.Alert{}, nil, false, fmt.Errorf("opening alert: %w", err)
	}
	return alert, deliveries, opened, nil
}

// ResolveAlerts closes the task's open alerts of the given causes and writes, for each, one
// outbox row per target telling the owner it is over; with no targets it closes them quietly.
func (s *Store) ResolveAlerts(ctx context.Context, userID, taskID uuid.UUID, causes []task.AlertCause, now time.Time,
	to []AlertTarget,
) ([]task.Alert, []task.Delivery, error) {
	names := causeNames(causes)
	var alerts []task.Alert
	var deliveries []task.Delivery
	err := s.inTx(ctx, func(q *db.Queries) error {
		rows, err := q.ResolveAlerts(ctx, db.ResolveAlertsParams{Now: &now, TaskID: taskID, UserID: userID, Causes: names})
		if err != nil {
			return translate(err)
		}
		for _, r := range rows {
			a := alertOf(r)
			alerts = append(alerts, a)
			ds, err := insertAlertDeliveries(ctx, q, a, task.AlertResolved, to, now)
			if err != nil {
				return err
			}
			deliveries = append(deliveries, ds...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("resolving alerts: %w", err)
	}
	return alerts, deliveries, nil
}

// ResolveUserAlerts closes the user's open alerts of the given causes, whatever their task,
// quietly, and says how many.
func (s *Store) ResolveUserAlerts(ctx context.Context, userID uuid.UUID, causes []task.AlertCause, now time.Time) (int64, error) {
	n, err := s.q.ResolveUserAlerts(ctx, db.ResolveUserAlertsParams{Now: &now, UserID: userID, Causes: causeNames(causes)})
	if err != nil {
		return 0, fmt.Errorf("resolving alerts: %w", translate(err))
	}
	return n, nil
}

func insertAlertDeliveries(ctx context.Context, q *db.Queries, a task.Alert, phase task.AlertPhase, to []AlertTarget, now time.Time) ([]task.Delivery, error) {
	var out []task.Delivery
	p := string(phase)
	for _, t := range to {
		r, err := q.InsertAlertDelivery(ctx, db.InsertAlertDeliveryParams{AlertID: &a.ID, AlertPhase: &p, TaskID: a.TaskID,
			UserID: a.UserID, Channel: t.Channel, Target: t.Target, Now: now})
		if errors.Is(translate(err), ErrNotFound) {
			continue // this message was written already
		}
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, deliveryOf(r))
	}
	return out, nil
}

// GetAlert returns one of the user's alerts.
func (s *Store) GetAlert(ctx context.Context, userID, id uuid.UUID) (task.Alert, error) {
	r, err := s.q.GetAlert(ctx, db.GetAlertParams{ID: id, UserID: userID})
	if err != nil {
		return task.Alert{}, fmt.Errorf("reading alert: %w", translate(err))
	}
	return alertOf(r), nil
}

// ListedAlert is an alert with its task's name, as the alerts list shows it.
type ListedAlert struct {
	task.Alert
	TaskName string
}

// ListAlerts returns a page of the user's alerts, newest first: only open ones when openOnly.
func (s *Store) ListAlerts(ctx context.Context, userID uuid.UUID, openOnly bool, limit int, after *Cursor) ([]ListedAlert, error) {
	p := db.ListAlertsParams{UserID: userID, OpenOnly: openOnly, MaxRows: int32(limit)}
	if after != nil {
		p.AfterAt, p.AfterID = &after.CreatedAt, &after.ID
	}
	rows, err := s.q.ListAlerts(ctx, p)
	return mapAll(rows, err, "listing alerts", func(r db.ListAlertsRow) ListedAlert {
		return ListedAlert{Alert: alertOf(r.Alert), TaskName: r.TaskName}
	})
}

// OpenAlertsOf returns the open alerts of a page of the user's tasks, keyed by task id, oldest
// first, in one query; a task without open alerts has no entry.
func (s *Store) OpenAlertsOf(ctx context.Context, userID uuid.UUID, taskIDs []uuid.UUID) (map[uuid.UUID][]task.Alert, error) {
	out := map[uuid.UUID][]task.Alert{}
	if len(taskIDs) == 0 {
		return out, nil
	}
	rows, err := s.q.OpenAlertsOf(ctx, db.OpenAlertsOfParams{UserID: userID, TaskIds: taskIDs})
	if err != nil {
		return nil, fmt.Errorf("reading open alerts: %w", translate(err))
	}
	for _, r := range rows {
		out[r.TaskID] = append(out[r.TaskID], alertOf(r))
	}
	return out, nil
}

// FailureStreak counts how many of the task's most recent finished runs (looking at most at
// limit) failed in a row; runs the spend cap held back are not counted either way.
func (s *Store) FailureStreak(ctx context.Context, userID, taskID uuid.UUID, limit int) (int, error) {
	rows, err := s.q.LastRunStatuses(ctx, db.LastRunStatusesParams{TaskID: taskID, UserID: userID, MaxRows: limit})
	if err != nil {
		return 0, fmt.Errorf("reading the task's last runs: %w", translate(err))
	}
	n := 0
	for _, st := range rows {
		if st != task.StatusFailed {
			break
		}
		n++
	}
	return n, nil
}

// LateTasks returns up to limit active tasks whose next run was due before before and that have
// no open overdue alert, most overdue first.
func (s *Store) LateTasks(ctx context.Context, before time.Time, limit int) ([]task.Task, error) {
	rows, err := s.q.LateTasks(ctx, db.LateTasksParams{Before: before, MaxRows: limit})
	return mapAll(rows, err, "listing late tasks", taskOf)
}

func alertOf(r db.Alert) task.Alert {
	return task.Alert{ID: r.ID, UserID: r.UserID, TaskID: r.TaskID, Cause: r.Cause, Message: r.Message,
		Advice: r.Advice, OpenedAt: r.OpenedAt, ResolvedAt: r.ResolvedAt}
}

func causeNames(causes []task.AlertCause) []string {
	names := make([]string, len(causes))
	for i, c := range causes {
		names[i] = string(c)
	}
	return names
}
