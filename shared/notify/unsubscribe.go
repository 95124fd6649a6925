package notify

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// UnsubscribeStore removes a task's email notification for its recipient.
type UnsubscribeStore interface {
	UnsubscribeTaskEmail(ctx context.Context, taskID uuid.UUID, allowed func(userID uuid.UUID, email string) bool) (task.Task, error)
}

// Unsubscriber carries out one-click unsubscribe links (RFC 8058).
type Unsubscriber struct {
	store UnsubscribeStore
	keys  *Keys
}

// NewUnsubscriber returns the unsubscriber; with nil keys every token is refused.
func NewUnsubscriber(s UnsubscribeStore, keys *Keys) *Unsubscriber {
	return &Unsubscriber{store: s, keys: keys}
}

// ErrBadToken means an unsubscribe token is not one Torale made, or no longer fits its task.
var ErrBadToken = errors.New("this unsubscribe link is not valid, or the task no longer emails this address")

// Unsubscribe stops the emails of the task the token names to the address it was made for.
func (u *Unsubscriber) Unsubscribe(ctx context.Context, token string) error {
	if u.keys == nil {
		return ErrBadToken
	}
	taskID, matches, ok := u.keys.ParseUnsubscribeToken(token)
	if !ok {
		return ErrBadToken
	}
	_, err := u.store.UnsubscribeTaskEmail(ctx, taskID, func(_ uuid.UUID, email string) bool { return matches(email) })
	if errors.Is(err, store.ErrNotFound) {
		return ErrBadToken
	}
	return err
}
