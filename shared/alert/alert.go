// Package alert tells a watch's owner when it breaks: runs failing several times in a row, a
// watch that stopped running, a run the spend cap held back, a webhook endpoint Torale disabled
// or that keeps failing. Each alert is told once (one open alert per task and cause) and, for
// the watch's own troubles, told again when it recovers. The messages are outbox rows, sent by
// the notifier like any notification.
package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of alerts.
type Store interface {
	GetUser(ctx context.Context, id uuid.UUID) (store.User, error)
	EmailVerified(ctx context.Context, userID uuid.UUID, email string) (bool, error)
	GetWebhook(ctx context.Context, userID uuid.UUID) (store.Webhook, error)
	AlertChannels(ctx context.Context, userID uuid.UUID) ([]store.Channel, error)
	GetTask(ctx context.Context, userID, id uuid.UUID) (task.Task, error)
	OpenAlert(ctx context.Context, a store.NewAlert) (task.Alert, []task.Delivery, bool, error)
	ResolveAlerts(ctx context.Context, userID, taskID uuid.UUID, causes []task.AlertCause, now time.Time, to []store.AlertTarget) ([]task.Alert, []task.Delivery, error)
	ResolveUserAlerts(ctx context.Context, userID uuid.UUID, causes []task.AlertCause, now time.Time) (int64, error)
	OpenAlertsOf(ctx context.Context, userID uuid.UUID, taskIDs []uuid.UUID) (map[uuid.UUID][]task.Alert, error)
	FailureStreak(ctx context.Context, userID, taskID uuid.UUID, limit int) (int, error)
	LateTasks(ctx context.Context, before time.Time, limit int) ([]task.Task, error)
}

// Config tunes the alerts; zero fields take the documented defaults.
type Config struct {
	// AfterFailures is how many failed runs in a row open a "failing" alert
	// (TORALE_ALERT_AFTER_FAILURES, default 3).
	AfterFailures int
	// AgentGap is the expected gap between runs of a watch whose agent picks its next run
	// (default 48h); a cron's gap is its own.
	AgentGap time.Duration
	// LateBatch bounds the late tasks one overdue pass looks at (default 500).
	LateBatch int
	// MinInterval is the shortest gap a schedule may have (default 15 min): a task whose run is
	// less late than this is never overdue, so the pass does not read it.
	MinInterval time.Duration
}

func (c Config) withDefaults() Config {
	if c.AfterFailures <= 0 {
		c.AfterFailures = 3
	}
	if c.AgentGap <= 0 {
		c.AgentGap = 48 * time.Hour
	}
	if c.LateBatch <= 0 {
		c.LateBatch = 500
	}
	if c.MinInterval <= 0 {
		c.MinInterval = 15 * time.Minute
	}
	return c
}

// Service opens and resolves alerts. Its methods that follow a run only log their errors: an
// alert that could not be written must not undo the run's recorded outcome.
type Service struct {
	store Store
	pub   event.Publisher
	now   func() time.Time
	log   *slog.Logger
	cfg   Config
}

// New returns the service; pub carries the outbox rows' notify messages.
func New(s Store, pub event.Publisher, now func() time.Time, log *slog.Logger, cfg Config) *Service {
	return &Service{store: s, pub: pub, now: now, log: log, cfg: cfg.withDefaults()}
}

// recipients is where an alert to userID goes: their sign-in email when it is verified, and,
// unless emailOnly, their default webhook when one is set and on and every chat channel they
// marked for alerts (for_alerts).
func (s *Service) recipients(ctx context.Context, userID uuid.UUID, emailOnly bool) ([]store.AlertTarget, error) {
	var to []store.AlertTarget
	u, err := s.store.GetUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("reading the owner: %w", err)
	}
	if u.Email != "" {
		ok, err := s.store.EmailVerified(ctx, userID, u.Email)
		if err != nil {
			return nil, err
		}
		if ok {
			to = append(to, store.AlertTarget{Channel: task.ChannelEmail, Target: u.Email})
		}
	}
	if emailOnly {
		return to, nil
	}
	hook, err := s.store.GetWebhook(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("reading the owner's webhook: %w", err)
	case hook.URL != "" && hook.Enabled:
		to = append(to, store.AlertTarget{Channel: task.ChannelWebhook}) // "": the default webhook
	}
	chans, err := s.store.AlertChannels(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, c := range chans {
		to = append(to, store.AlertTarget{Channel: task.ChannelChat, Target: c.ID.String()})
	}
	return to, nil
}

// open opens an alert about t unless one of its cause is open, and sends its messages.
func (s *Service) open(ctx context.Context, t task.Task, cause task.AlertCause, w words, emailOnly bool) error {
	to, err := s.recipients(ctx, t.UserID, emailOnly)
	if err != nil {
		return err
	}
	a, deliveries, opened, err := s.store.OpenAlert(ctx, store.NewAlert{UserID: t.UserID, TaskID: t.ID, Cause: cause,
		Message: w.message, Advice: w.advice, Now: s.now(), To: to})
	if err != nil {
		return err
	}
	if opened {
		s.log.InfoContext(ctx, "alert opened", slog.String("task_id", t.ID.String()), slog.String("alert_id", a.ID.String()),
			slog.String("cause", string(cause)), slog.Int("deliveries", len(deliveries)))
	}
	s.publish(ctx, deliveries)
	return nil
}

// resolve closes t's open alerts of causes and tells the owner each is over. Nearly every run
// ends with nothing open, so it looks first before it reads where messages would go: in the
// causes read with t (t.RunReads: the gate's read, before the run), else with one probe of
// alerts_open_idx. An alert opened during the run (the tick's overdue check) is then closed by
// the next good run, whose read sees it.
func (s *Service) resolve(ctx context.Context, t task.Task, causes []task.AlertCause) error {
	if t.RunReads != nil && !slices.ContainsFunc(t.RunReads.OpenAlertCauses, func(c task.AlertCause) bool { return slices.Contains(causes, c) }) {
		return nil
	}
	open, err := s.store.OpenAlertsOf(ctx, t.UserID, []uuid.UUID{t.ID})
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(open[t.ID], func(a task.Alert) bool { return slices.Contains(causes, a.Cause) }) {
		return nil
	}
	to, err := s.recipients(ctx, t.UserID, false)
	if err != nil {
		return err
	}
	alerts, deliveries, err := s.store.ResolveAlerts(ctx, t.UserID, t.ID, causes, s.now(), to)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		s.log.InfoContext(ctx, "alert resolved", slog.String("task_id", t.ID.String()), slog.String("alert_id", a.ID.String()),
			slog.String("cause", string(a.Cause)))
	}
	s.publish(ctx, deliveries)
	return nil
}

// NotifyPublisher sends a delivery's notify message itself (reconcile.OutboxPublisher, which
// records the row as published).
type NotifyPublisher interface {
	PublishNotify(ctx context.Context, deliveryID uuid.UUID) error
}

// publish asks for each delivery to be sent; a message that does not go out is only logged, as
// the row is in the outbox and reconcile or the notifier's sweep sends it anyway.
func (s *Service) publish(ctx context.Context, deliveries []task.Delivery) {
	for _, d := range deliveries {
		var err error
		if np, ok := s.pub.(NotifyPublisher); ok {
			err = np.PublishNotify(ctx, d.ID)
		} else {
			err = event.PublishJSON(ctx, s.pub, event.TopicNotify, event.Notify{Version: event.Version, DeliveryID: d.ID})
		}
		if err != nil {
			s.log.WarnContext(ctx, "publishing an alert's notify", slog.String("delivery_id", d.ID.String()), slog.String("error", err.Error()))
		}
	}
}

func (s *Service) warn(ctx context.Context, what string, t task.Task, err error) {
	s.log.WarnContext(ctx, what, slog.String("task_id", t.ID.String()), slog.String("error", err.Error()))
}
