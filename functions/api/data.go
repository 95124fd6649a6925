package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/account"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Redeliverer sends a delivery again; *outbox.Redeliverer is the real one.
type Redeliverer interface {
	Redeliver(ctx context.Context, userID, id uuid.UUID) (task.Delivery, error)
}

func (a *API) accounts() (*account.Service, error) {
	if a.account == nil {
		return nil, unavailable("Account actions are not available on this server.")
	}
	return a.account, nil
}

// exportMe streams everything Torale holds about the caller. Errors before the first byte are
// problems as usual; an error after it cuts the connection, so the client cannot take a
// truncated export for a whole one (the export also ends with "complete": true).
func (a *API) exportMe(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", `attachment; filename="torale-export.json"`)
	h.Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	if err := svc.Export(r.Context(), user, cw); err != nil {
		if cw.n == 0 {
			h.Del("Content-Disposition")
			return err
		}
		a.log.ErrorContext(r.Context(), "export cut off", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// countingWriter says whether anything was written, and so whether a status went out.
type countingWriter struct {
	w http.ResponseWriter
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += n
	return n, err
}

// deleteMe deletes the caller's account once the body confirms it.
func (a *API) deleteMe(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	var b contract.AccountDeletion
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	d, err := svc.Delete(r.Context(), user, b.Confirm)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contract.AccountDeleted{DeletedAt: a.now().UTC(), Tasks: d.Tasks, RevokedKeys: d.RevokedKeys,
		ConfirmationSentTo: d.SentTo})
	return nil
}

// redeliver sends one of the caller's delivered or failed notifications again, on any channel.
func (a *API) redeliver(w http.ResponseWriter, r *http.Request, user store.User) error {
	if a.redo == nil {
		return unavailable("Redelivery is not available on this server.")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.redo.Redeliver(r.Context(), user.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, contract.DeliveryOf(d))
	return nil
}

func (a *API) adminDeactivate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := svc.Deactivate(r.Context(), admin, id)
	if err != nil {
		return selfError(err)
	}
	writeJSON(w, http.StatusOK, changeView(c))
	return nil
}

func (a *API) adminReactivate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.ReactivateInput
	if err := decodeOptionalJSON(w, r, &b); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	c, err := svc.Reactivate(r.Context(), admin, id, b.ResumeTasks)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, changeView(c))
	return nil
}

func (a *API) adminSetRole(w http.ResponseWriter, r *http.Request, admin store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.RoleInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.Role != contract.RoleAdmin && b.Role != contract.RoleUser {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "role", Message: `must be "admin" or "user"`}}}
	}
	u, err := svc.SetRole(r.Context(), admin, id, store.Role(b.Role))
	if err != nil {
		return selfError(err)
	}
	writeJSON(w, http.StatusOK, account.UserView(u))
	return nil
}

func (a *API) adminActions(w http.ResponseWriter, r *http.Request, _ store.User) error {
	svc, err := a.accounts()
	if err != nil {
		return err
	}
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	var target *uuid.UUID
	if v := r.URL.Query().Get("user_id"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return badRequest("user_id must be a user's id")
		}
		target = &id
	}
	list, err := svc.Actions(r.Context(), target, p.limit+1, p.after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(list, p.limit, func(x store.AdminAction) store.Cursor {
		return store.Cursor{CreatedAt: x.CreatedAt, ID: x.ID}
	}, account.ActionView))
	return nil
}

func selfError(err error) error {
	if errors.Is(err, account.ErrSelf) {
		return &problemError{contract.Problem{Status: http.StatusConflict, Detail: "An admin cannot deactivate or demote their own account."}}
	}
	return err
}

func changeView(c account.Change) contract.AdminUserChange {
	out := contract.AdminUserChange{User: account.UserView(c.User), Action: account.ActionView(c.Action),
		ResumedTasks: c.Resumed, NotResumed: []contract.TaskReason{}}
	if out.ResumedTasks == nil {
		out.ResumedTasks = []uuid.UUID{}
	}
	for id, why := range c.NotResumed {
		out.NotResumed = append(out.NotResumed, contract.TaskReason{TaskID: id, Reason: why})
	}
	sort.Slice(out.NotResumed, func(i, j int) bool { return out.NotResumed[i].TaskID.String() < out.NotResumed[j].TaskID.String() })
	return out
}
