package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/webhook"
)

// WebhookService is the notify side of the webhook endpoints.
type WebhookService interface {
	Get(ctx context.Context, userID uuid.UUID) (webhook.Settings, error)
	Set(ctx context.Context, userID uuid.UUID, url string, enabled bool) (webhook.Settings, error)
	Rotate(ctx context.Context, userID uuid.UUID) (webhook.Settings, error)
	Enable(ctx context.Context, userID uuid.UUID, url string) (webhook.Settings, error)
	Test(ctx context.Context, userID uuid.UUID, url string) (webhook.TestResult, error)
	SetHeader(ctx context.Context, userID uuid.UUID, name, value string) (webhook.Settings, error)
	DeleteHeader(ctx context.Context, userID uuid.UUID, name string) (webhook.Settings, error)
	Deliveries(ctx context.Context, userID uuid.UUID, taskID *uuid.UUID, limit int, after *store.Cursor) ([]store.DeliveryLog, error)
}

// EmailService is the notify side of the email verification endpoints.
type EmailService interface {
	Start(ctx context.Context, user store.User, email string) (store.EmailAddress, bool, error)
	Confirm(ctx context.Context, userID uuid.UUID, email, code string) (store.EmailAddress, error)
	List(ctx context.Context, userID uuid.UUID) ([]store.EmailAddress, error)
	Delete(ctx context.Context, userID uuid.UUID, email string) error
}

// Unsubscriber carries out one-click unsubscribe links.
type Unsubscriber interface {
	Unsubscribe(ctx context.Context, token string) error
}

// Mailbox lists the local platform's kept email for a user.
type Mailbox interface {
	For(userID uuid.UUID) []email.Mail
}

// Notify is what the notification endpoints call. A nil Webhooks or Emails answers 503; a nil
// Mailbox answers 404 (only torale dev has one).
type Notify struct {
	Webhooks    WebhookService
	Emails      EmailService
	Unsubscribe Unsubscriber
	Mailbox     Mailbox
	// Channels serves the chat and push channels (channels.go); nil answers 503.
	Channels ChannelService
}

// notifyError turns the notify package's errors into problems; others pass through to
// writeError.
func (a *API) notifyError(w http.ResponseWriter, r *http.Request, err error) error {
	var rl *store.RateLimitError
	var he *webhook.HeaderError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &he):
		return badRequest(he.Error())
	case errors.Is(err, outbox.ErrNotConfigured):
		a.log.WarnContext(r.Context(), "notification feature unavailable", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		return unavailable("This feature is not available on this deployment.")
	case errors.Is(err, email.ErrNotSent):
		a.log.WarnContext(r.Context(), "verification email not sent", slog.String("error", err.Error()))
		w.Header().Set("Retry-After", "60")
		return unavailable("The code could not be sent; try again in a minute.")
	case errors.As(err, &rl):
		wait := max(rl.RetryAt.Sub(a.now()), time.Second)
		w.Header().Set("Retry-After", retryAfter(wait))
		return &problemError{contract.Problem{Status: http.StatusTooManyRequests,
			Detail: rl.Reason + "; try again in " + retryAfter(wait) + " s."}}
	case errors.Is(err, email.ErrAccountAddress):
		return &problemError{contract.Problem{Status: http.StatusConflict, Detail: "This is the address you sign in with; it stays verified."}}
	case errors.Is(err, email.ErrBadToken):
		return &problemError{contract.Problem{Status: http.StatusNotFound, Detail: email.ErrBadToken.Error() + "."}}
	}
	return err
}

func unavailable(detail string) error {
	return &problemError{contract.Problem{Status: http.StatusServiceUnavailable, Detail: detail}}
}

func (a *API) webhooks() (WebhookService, error) {
	if a.notify.Webhooks == nil {
		return nil, unavailable("Webhooks are not available on this deployment.")
	}
	return a.notify.Webhooks, nil
}

func (a *API) writeWebhook(w http.ResponseWriter, r *http.Request, s webhook.Settings, err error) error {
	if err != nil {
		return a.notifyError(w, r, err)
	}
	w.Header().Set("Cache-Control", "no-store") // it carries the signing secret
	writeJSON(w, http.StatusOK, webhookView(s))
	return nil
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	s, err := svc.Get(r.Context(), user.ID)
	return a.writeWebhook(w, r, s, err)
}

func (a *API) putWebhook(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	var b contract.WebhookInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	enabled := b.URL != ""
	if b.Enabled != nil {
		enabled = *b.Enabled
	}
	s, err := svc.Set(r.Context(), user.ID, b.URL, enabled)
	return a.writeWebhook(w, r, s, err)
}

func (a *API) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	s, err := svc.Rotate(r.Context(), user.ID)
	return a.writeWebhook(w, r, s, err)
}

func (a *API) enableWebhook(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	var b contract.WebhookURLInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	s, err := svc.Enable(r.Context(), user.ID, b.URL)
	return a.writeWebhook(w, r, s, err)
}

func (a *API) testWebhook(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	var b contract.WebhookURLInput
	if err := decodeOptionalJSON(w, r, &b); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	res, err := svc.Test(r.Context(), user.ID, b.URL)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, testResultView(res))
	return nil
}

func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	var taskID *uuid.UUID
	if v := r.URL.Query().Get("task_id"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return badRequest("task_id must be a task's id")
		}
		taskID = &id
	}
	list, err := svc.Deliveries(r.Context(), user.ID, taskID, p.limit+1, p.after)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, page(list, p.limit, func(d store.DeliveryLog) store.Cursor {
		return store.Cursor{CreatedAt: d.CreatedAt, ID: d.ID}
	}, deliveryLogView))
	return nil
}

func (a *API) putWebhookHeader(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	var b contract.WebhookHeaderInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	s, err := svc.SetHeader(r.Context(), user.ID, r.PathValue("name"), b.Value)
	return a.writeWebhook(w, r, s, err)
}

func (a *API) deleteWebhookHeader(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.webhooks()
	if err != nil {
		return err
	}
	s, err := svc.DeleteHeader(r.Context(), user.ID, r.PathValue("name"))
	return a.writeWebhook(w, r, s, err)
}
