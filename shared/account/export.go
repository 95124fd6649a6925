package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Exporter reads everything one user owns, page by page.
type Exporter interface {
	ExportAPIKeys(ctx context.Context, userID uuid.UUID) ([]store.APIKey, error)
	ListEmails(ctx context.Context, userID uuid.UUID, now time.Time) ([]store.EmailAddress, error)
	GetWebhook(ctx context.Context, userID uuid.UUID) (store.Webhook, error)
	DisabledWebhooks(ctx context.Context, userID uuid.UUID) ([]store.DisabledWebhook, error)
	FeedCreatedAt(ctx context.Context, userID uuid.UUID) (*time.Time, error)
	ExportTasks(ctx context.Context, userID uuid.UUID, limit int, after *store.Cursor) ([]task.Task, error)
	ExportExecutions(ctx context.Context, userID uuid.UUID, limit int, after *store.Cursor) ([]store.RunWithSteps, error)
	ExportDeliveries(ctx context.Context, userID uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error)
	ExportMemory(ctx context.Context, userID uuid.UUID, limit int, after *store.Cursor) ([]store.MemoryFact, error)
	ExportSnapshots(ctx context.Context, userID uuid.UUID) ([]store.PageText, error)
	ExportAdminActions(ctx context.Context, userID uuid.UUID) ([]store.AdminAction, error)
	ListTemplates(ctx context.Context, userID uuid.UUID) ([]task.Template, error)
	ListChannels(ctx context.Context, userID uuid.UUID) ([]store.Channel, error)
	ListAlerts(ctx context.Context, userID uuid.UUID, openOnly bool, limit int, after *store.Cursor) ([]store.ListedAlert, error)
	WebhookHeaders(ctx context.Context, userID uuid.UUID) ([]store.WebhookHeader, error)
}

// exportPage is how many rows each read of a long list takes: memory stays bounded however
// many runs the user has.
const exportPage = 500

// Export writes everything Torale holds about u to w as one JSON object in the shape of
// contract.Export, list by list and page by page, never the whole of it in memory. Secrets stay
// out. The last field, "complete": true, marks an export that was not cut off; after an error
// the output is incomplete and the caller must not let it pass for whole.
func (s *Service) Export(ctx context.Context, u store.User, w io.Writer) error {
	e := &streamer{w: w}
	e.field("exported_at", s.now().UTC())
	e.field("profile", UserView(u))
	keys, err := s.store.ExportAPIKeys(ctx, u.ID)
	if err != nil {
		return err
	}
	e.field("api_keys", mapList(keys, func(k store.APIKey) contract.APIKey {
		return contract.APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
	}))
	emails, err := s.store.ListEmails(ctx, u.ID, s.now())
	if err != nil {
		return err
	}
	e.field("emails", mapList(emails, func(a store.EmailAddress) contract.EmailAddress {
		return contract.EmailAddress{Email: a.Email, Verified: a.Verified, VerifiedAt: a.VerifiedAt, CodeExpiresAt: a.CodeExpiresAt, Account: a.Account}
	}))
	hook, err := s.webhook(ctx, u)
	if err != nil {
		return err
	}
	e.field("webhook", hook)
	feedAt, err := s.store.FeedCreatedAt(ctx, u.ID)
	if err != nil {
		return err
	}
	var feed *contract.ExportFeed
	if feedAt != nil {
		feed = &contract.ExportFeed{CreatedAt: *feedAt}
	}
	e.field("feed", feed)
	if err := e.err; err != nil {
		return err
	}
	return s.exportLists(ctx, u, e)
}

func (s *Service) exportLists(ctx context.Context, u store.User, e *streamer) error {
	err := errors.Join(
		streamList(ctx, e, "tasks", u, s.store.ExportTasks, func(t task.Task) store.Cursor { return store.Cursor{CreatedAt: t.CreatedAt, ID: t.ID} },
			func(t task.Task) (any, bool) {
				return contract.ExportTask{Task: contract.TaskOf(t), Context: t.Context}, true
			}),
		streamList(ctx, e, "executions", u, s.store.ExportExecutions, executionCursor,
			func(x store.RunWithSteps) (any, bool) {
				return contract.ExecutionDetail{Execution: contract.ExecutionOf(x.Execution), Steps: contract.StepsOf(x.Steps)}, true
			}),
		streamList(ctx, e, "notifications", u, s.store.ExportExecutions, executionCursor, notifiedOf),
		streamList(ctx, e, "deliveries", u, s.store.ExportDeliveries,
			func(d store.DeliveryLog) store.Cursor { return store.Cursor{CreatedAt: d.CreatedAt, ID: d.ID} }, deliveryOf),
		streamList(ctx, e, "task_memory", u, s.store.ExportMemory,
			func(m store.MemoryFact) store.Cursor { return store.Cursor{CreatedAt: m.CreatedAt, ID: m.ID} },
			func(m store.MemoryFact) (any, bool) {
				return contract.MemoryFact{ID: m.ID, TaskID: m.TaskID, ExecutionID: m.ExecutionID, Fact: m.Fact, CreatedAt: m.CreatedAt}, true
			}),
	)
	if err != nil {
		return err
	}
	snaps, err := s.store.ExportSnapshots(ctx, u.ID)
	if err != nil {
		return err
	}
	e.field("page_snapshots", mapList(snaps, func(p store.PageText) contract.PageSnapshot {
		return contract.PageSnapshot{TaskID: p.TaskID, URL: p.URL, Text: p.Text, UpdatedAt: p.UpdatedAt}
	}))
	acts, err := s.store.ExportAdminActions(ctx, u.ID)
	if err != nil {
		return err
	}
	e.field("admin_actions", mapList(acts, func(a store.AdminAction) contract.AdminAction {
		v := ActionView(a)
		v.ActorID = nil // which admin acted is the operator's to know, not the user's
		return v
	}))
	if err := s.exportSettings(ctx, u, e); err != nil {
		return err
	}
	e.field("complete", true)
	e.raw("}\n")
	return e.err
}

// exportSettings writes the user's templates, channels (secret settings masked, as the API
// shows them) and alerts.
func (s *Service) exportSettings(ctx context.Context, u store.User, e *streamer) error {
	tpls, err := s.store.ListTemplates(ctx, u.ID)
	if err != nil {
		return err
	}
	e.field("templates", mapList(tpls, contract.TemplateOf))
	chans, err := s.store.ListChannels(ctx, u.ID)
	if err != nil {
		return err
	}
	e.field("channels", mapList(chans, func(c store.Channel) contract.Channel {
		return contract.Channel{ID: c.ID, Kind: c.Kind, Name: c.Name, Settings: c.Masked, ForAlerts: c.ForAlerts,
			IsDefault: c.IsDefault, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	}))
	alerts := func(ctx context.Context, userID uuid.UUID, limit int, after *store.Cursor) ([]store.ListedAlert, error) {
		return s.store.ListAlerts(ctx, userID, false, limit, after)
	}
	return streamList(ctx, e, "alerts", u, alerts,
		func(a store.ListedAlert) store.Cursor { return store.Cursor{CreatedAt: a.OpenedAt, ID: a.ID} },
		func(a store.ListedAlert) (any, bool) { return contract.AlertOf(a.Alert), true })
}

func (s *Service) webhook(ctx context.Context, u store.User) (*contract.ExportWebhook, error) {
	h, err := s.store.GetWebhook(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	off, err := s.store.DisabledWebhooks(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	headers, err := s.store.WebhookHeaders(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &contract.ExportWebhook{URL: h.URL, HeaderNames: mapList(headers, func(h store.WebhookHeader) string { return h.Name }), Enabled: h.Enabled, RotatedAt: h.RotatedAt, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt,
		DisabledEndpoints: mapList(off, func(d store.DisabledWebhook) contract.DisabledWebhook {
			return contract.DisabledWebhook{URL: d.URL, Reason: d.Reason, DisabledAt: d.DisabledAt}
		})}, nil
}

func executionCursor(x store.RunWithSteps) store.Cursor {
	return store.Cursor{CreatedAt: x.CreatedAt, ID: x.ID}
}

func notifiedOf(x store.RunWithSteps) (any, bool) {
	if x.Result == nil || x.Result.Notification == nil || *x.Result.Notification == "" {
		return nil, false
	}
	return contract.ExportNotified{ExecutionID: x.ID, TaskID: x.TaskID, Notification: *x.Result.Notification, FinishedAt: x.FinishedAt}, true
}

func deliveryOf(d store.DeliveryLog) (any, bool) {
	out := contract.DeliveryLog{Delivery: contract.DeliveryOf(d.Delivery), TaskName: d.TaskName}
	for _, a := range d.AttemptLog {
		out.AttemptLog = append(out.AttemptLog, contract.DeliveryAttempt{AttemptedAt: a.AttemptedAt, OK: a.OK,
			ResponseCode: a.ResponseCode, LatencyMS: a.LatencyMS, Error: a.Error})
	}
	return out, true
}

// streamList writes one list field, reading it a page at a time; keep drops rows (nil, false).
func streamList[T any](ctx context.Context, e *streamer, name string, u store.User,
	read func(context.Context, uuid.UUID, int, *store.Cursor) ([]T, error), cursor func(T) store.Cursor, view func(T) (any, bool)) error {
	e.key(name)
	e.raw("[")
	first := true
	var after *store.Cursor
	for {
		page, err := read(ctx, u.ID, exportPage, after)
		if err != nil {
			return fmt.Errorf("exporting %s: %w", name, err)
		}
		for _, row := range page {
			v, ok := view(row)
			if !ok {
				continue
			}
			if !first {
				e.raw(",")
			}
			first = false
			e.value(v)
		}
		if e.err != nil {
			return e.err
		}
		if len(page) < exportPage {
			e.raw("]")
			return e.err
		}
		c := cursor(page[len(page)-1])
		after = &c
	}
}

// streamer writes a JSON object field by field, keeping the first error.
type streamer struct {
	w      io.Writer
	fields int
	err    error
}

func (e *streamer) raw(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *streamer) value(v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	_, e.err = e.w.Write(b)
}

func (e *streamer) key(name string) {
	if e.fields == 0 {
		e.raw("{")
	} else {
		e.raw(",")
	}
	e.fields++
	e.value(name)
	e.raw(":")
}

func (e *streamer) field(name string, v any) {
	e.key(name)
	e.value(v)
}

// mapList maps every row; the result is never nil, so an empty list is [] in JSON.
func mapList[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// UserView is an account as the API shows it.
func UserView(u store.User) contract.User {
	return contract.User{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: contract.Role(u.Role),
		IsAdmin: u.Role == store.RoleAdmin, CreatedAt: u.CreatedAt, DeactivatedAt: u.DeactivatedAt}
}

// ActionView is an admin log entry as the API shows it.
func ActionView(a store.AdminAction) contract.AdminAction {
	paused := a.PausedTasks
	if paused == nil {
		paused = []uuid.UUID{}
	}
	return contract.AdminAction{ID: a.ID, Action: string(a.Action), ActorID: a.ActorID, ActorEmail: a.ActorEmail,
		TargetID: a.TargetID, TargetEmail: a.TargetEmail, PausedTasks: paused, CreatedAt: a.CreatedAt}
}
