// Package account is what admins do to accounts (deactivate, reactivate, grant and revoke
// admin, every action logged) and what a user does with their own data (export it, delete
// the account). Tasks are paused and their scheduler jobs removed through the watch service,
// the same path a user's own pause or delete takes, so Cloud Scheduler stays in step.
package account

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Store is the database side of the service.
type Store interface {
	GetUser(ctx context.Context, id uuid.UUID) (store.User, error)
	DeactivateUser(ctx context.Context, id uuid.UUID, at time.Time) (store.User, error)
	ReactivateUser(ctx context.Context, id uuid.UUID, at time.Time) (store.User, error)
	LogAdminAction(ctx context.Context, actor *uuid.UUID, target uuid.UUID, kind store.AdminActionKind, paused []uuid.UUID,
		at time.Time) (store.AdminAction, error)
	PausedByDeactivation(ctx context.Context, target uuid.UUID) ([]uuid.UUID, error)
	ChangeUserRole(ctx context.Context, actor *uuid.UUID, id uuid.UUID, role store.Role, at time.Time) (bool, error)
	ListAdminActions(ctx context.Context, target *uuid.UUID, limit int, after *store.Cursor) ([]store.AdminAction, error)
	UserTaskIDs(ctx context.Context, userID uuid.UUID, state string) ([]uuid.UUID, error)
	RevokeUserAPIKeys(ctx context.Context, userID uuid.UUID, at time.Time) (int, error)
	DeleteUser(ctx context.Context, id uuid.UUID) error
	Exporter
}

// Tasks changes tasks the way their owner would: *watch.Service.
type Tasks interface {
	SetState(ctx context.Context, userID, id uuid.UUID, to task.State) (task.Task, error)
	RemoveTriggers(ctx context.Context, userID uuid.UUID) (int, error)
}

// Deps are what the service is built from.
type Deps struct {
	Store Store
	Tasks Tasks
	// Mailer sends the deletion confirmation; nil sends none.
	Mailer email.Mailer
	Now    func() time.Time
	Log    *slog.Logger
}

// Service carries out account actions.
type Service struct {
	store  Store
	tasks  Tasks
	mailer email.Mailer
	now    func() time.Time
	log    *slog.Logger
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, tasks: d.Tasks, mailer: d.Mailer, now: d.Now, log: d.Log}
}

// ErrSelf refuses an admin action an admin may not take on their own account: they would lock
// themselves out.
var ErrSelf = errors.New("an admin cannot deactivate or demote their own account")

// Change is the outcome of an admin action on an account.
type Change struct {
	User       store.User
	Action     store.AdminAction
	Resumed    []uuid.UUID
	NotResumed map[uuid.UUID]string
}

// Deactivate stops the target's keys and sessions at once (the authenticating statements read
// the mark), then pauses every active task of theirs, job included; nothing is deleted. It is
// safe to repeat: a second call pauses what the first could not.
func (s *Service) Deactivate(ctx context.Context, actor store.User, target uuid.UUID) (Change, error) {
	if actor.ID == target {
		return Change{}, ErrSelf
	}
	u, err := s.store.DeactivateUser(ctx, target, s.now())
	if err != nil {
		return Change{}, err
	}
	active, err := s.store.UserTaskIDs(ctx, target, string(task.StateActive))
	if err != nil {
		return Change{}, err
	}
	var paused []uuid.UUID
	var pauseErr error
	for _, id := range active {
		if _, err := s.tasks.SetState(ctx, target, id, task.StatePaused); err != nil {
			// Log what was done so far; the caller sees the error and may deactivate again.
			pauseErr = err
			break
		}
		paused = append(paused, id)
	}
	a, err := s.store.LogAdminAction(ctx, &actor.ID, target, store.ActionDeactivate, paused, s.now())
	if err != nil {
		return Change{}, err
	}
	if pauseErr != nil {
		return Change{}, pauseErr
	}
	return Change{User: u, Action: a}, nil
}

// Reactivate lets the target sign in again. Their tasks stay paused unless resume is set; then
// the tasks its deactivations since the last reactivation paused are resumed (those the user had paused themselves
// stay paused), each held to the active cap.
func (s *Service) Reactivate(ctx context.Context, actor store.User, target uuid.UUID, resume bool) (Change, error) {
	cur, err := s.store.GetUser(ctx, target)
	if err != nil {
		return Change{}, err
	}
	if cur.DeactivatedAt == nil {
		return Change{}, &store.ConflictError{Reason: "This account is not deactivated."}
	}
	u, err := s.store.ReactivateUser(ctx, target, s.now())
	if err != nil {
		return Change{}, err
	}
	c := Change{User: u, NotResumed: map[uuid.UUID]string{}}
	if resume {
		ids, err := s.store.PausedByDeactivation(ctx, target)
		if err != nil {
			return Change{}, err
		}
		for _, id := range ids {
			t, err := s.tasks.SetState(ctx, target, id, task.StateActive)
			switch {
			case err == nil:
				c.Resumed = append(c.Resumed, t.ID)
			case errors.Is(err, store.ErrNotFound):
				// deleted since; nothing to resume
			default:
				c.NotResumed[id] = err.Error()
			}
		}
	}
	c.Action, err = s.store.LogAdminAction(ctx, &actor.ID, target, store.ActionReactivate, nil, s.now())
	return c, err
}

// SetRole grants or revokes admin and logs it when the role changed.
func (s *Service) SetRole(ctx context.Context, actor store.User, target uuid.UUID, role store.Role) (store.User, error) {
	if actor.ID == target && role != store.RoleAdmin {
		return store.User{}, ErrSelf
	}
	if _, err := s.store.ChangeUserRole(ctx, &actor.ID, target, role, s.now()); err != nil {
		return store.User{}, err
	}
	return s.store.GetUser(ctx, target)
}

// Actions lists the admin log, newest first, of one target when target is set.
func (s *Service) Actions(ctx context.Context, target *uuid.UUID, limit int, after *store.Cursor) ([]store.AdminAction, error) {
	return s.store.ListAdminActions(ctx, target, limit, after)
}
