package api

import (
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

func (a *API) emails() (EmailService, error) {
	if a.notify.Emails == nil {
		return nil, unavailable("Notification emails are not available on this deployment.")
	}
	return a.notify.Emails, nil
}

// startEmail mails a verification code: 202 when a code went out, 200 when the address was
// already verified (nothing is sent).
func (a *API) startEmail(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.emails()
	if err != nil {
		return err
	}
	var b contract.EmailInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	addr, sent, err := svc.Start(r.Context(), user, b.Email)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	status := http.StatusOK
	if sent {
		status = http.StatusAccepted
	}
	writeJSON(w, status, emailView(addr))
	return nil
}

func (a *API) verifyEmail(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.emails()
	if err != nil {
		return err
	}
	var b contract.EmailVerifyInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	addr, err := svc.Confirm(r.Context(), user.ID, b.Email, b.Code)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, emailView(addr))
	return nil
}

func (a *API) listEmails(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.emails()
	if err != nil {
		return err
	}
	list, err := svc.List(r.Context(), user.ID)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, whole(list, emailView, nil))
	return nil
}

func (a *API) deleteEmail(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.emails()
	if err != nil {
		return err
	}
	if err := svc.Delete(r.Context(), user.ID, r.PathValue("email")); err != nil {
		return a.notifyError(w, r, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// unsubscribe is the target of List-Unsubscribe-Post (RFC 8058): the mail client posts to the
// link without signing in, and the token names the task and address. Only POST unsubscribes,
// so link scanners that follow GETs do not.
func (a *API) unsubscribe(w http.ResponseWriter, r *http.Request, _ store.User) error {
	if a.notify.Unsubscribe == nil {
		return unavailable("Unsubscribing is not available on this deployment.")
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		return badRequest("token is required; use the link from the email")
	}
	if err := a.notify.Unsubscribe.Unsubscribe(r.Context(), token); err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, contract.Unsubscribed{Unsubscribed: true})
	return nil
}

// devMailbox lists the email torale dev kept instead of sending, newest first: only the
// caller's, so dev users see their own codes and notifications.
func (a *API) devMailbox(w http.ResponseWriter, _ *http.Request, user store.User) error {
	if a.notify.Mailbox == nil {
		return store.ErrNotFound
	}
	writeJSON(w, http.StatusOK, whole(a.notify.Mailbox.For(user.ID), mailView, nil))
	return nil
}
