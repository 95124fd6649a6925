package account

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Deletion is what deleting an account removed.
type Deletion struct {
	Tasks       int
	RevokedKeys int
	// SentTo is the address the confirmation went to; empty when none was sent.
	SentTo string
}

// ConfirmationFor is what the user must type to delete their account: their email address, or
// their id when the account has none.
func ConfirmationFor(u store.User) string {
	if u.Email != "" {
		return u.Email
	}
	return u.ID.String()
}

// Delete removes the user's account once confirm matches ConfirmationFor (email without
// case). In order: the account is deactivated, so every key and session stops at once; every
// task's scheduler job is removed; the keys are revoked; the rows go, by cascade; and the
// confirmation is mailed to the sign-in address read before. When a step fails the account is
// reactivated, so its owner can sign in and try again (reconcile puts back any job already
// gone; revoked keys stay revoked), and nothing is mailed.
func (s *Service) Delete(ctx context.Context, u store.User, confirm string) (Deletion, error) {
	if !strings.EqualFold(strings.TrimSpace(confirm), ConfirmationFor(u)) {
		what := "your account's email address"
		if u.Email == "" {
			what = "your account's id"
		}
		return Deletion{}, &task.ValidationError{Fields: []task.FieldError{{Field: "confirm", Message: "must be " + what}}}
	}
	if _, err := s.store.DeactivateUser(ctx, u.ID, s.now()); err != nil {
		return Deletion{}, err
	}
	undo := func(err error) (Deletion, error) {
		if _, rerr := s.store.ReactivateUser(context.WithoutCancel(ctx), u.ID, s.now()); rerr != nil {
			s.log.ErrorContext(ctx, "reactivating after a failed deletion", slog.String("user_id", u.ID.String()),
				slog.String("error", rerr.Error()))
		}
		return Deletion{}, err
	}
	n, err := s.tasks.RemoveTriggers(ctx, u.ID)
	if err != nil {
		return undo(fmt.Errorf("removing the scheduler jobs of the account's tasks: %w", err))
	}
	d := Deletion{Tasks: n}
	if d.RevokedKeys, err = s.store.RevokeUserAPIKeys(ctx, u.ID, s.now()); err != nil {
		return undo(err)
	}
	if err := s.store.DeleteUser(context.WithoutCancel(ctx), u.ID); err != nil {
		return undo(err)
	}
	s.log.InfoContext(ctx, "account deleted", slog.String("user_id", u.ID.String()), slog.Int("tasks", n))
	if s.mailer != nil && u.Email != "" {
		// The account is gone whether or not the mail goes: a mail server that is down must
		// not keep anyone's data.
		if err := s.mailer.Mail(context.WithoutCancel(ctx), confirmation(u)); err != nil {
			s.log.WarnContext(ctx, "account deletion confirmation not sent", slog.String("user_id", u.ID.String()),
				slog.String("error", err.Error()))
		} else {
			d.SentTo = u.Email
		}
	}
	return d, nil
}

func confirmation(u store.User) email.Message {
	text := `Your Torale account has been deleted, as you asked.

Every task, run, notification and setting of the account is gone, its API keys no longer work,
and no scheduled run is left. If you did not ask for this, reply to this email.
`
	html := `<p>Your Torale account has been deleted, as you asked.</p>
<p>Every task, run, notification and setting of the account is gone, its API keys no longer work,
and no scheduled run is left. If you did not ask for this, reply to this email.</p>
`
	return email.Message{To: u.Email, Subject: "Your Torale account was deleted", Text: text, HTML: html, UserID: u.ID}
}
