package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// AdminActionKind names what an admin did to an account.
type AdminActionKind string

// The logged admin actions.
const (
	ActionDeactivate  AdminActionKind = "deactivate"
	ActionReactivate  AdminActionKind = "reactivate"
	ActionGrantAdmin  AdminActionKind = "grant_admin"
	ActionRevokeAdmin AdminActionKind = "revoke_admin"
)

// AdminAction is one entry of the admin log. ActorID is nil for an operator working on the
// database directly (torale admin grant) or an admin whose account was deleted since; TargetID
// is nil once the target's account is deleted.
type AdminAction struct {
	ID          uuid.UUID
	ActorID     *uuid.UUID
	ActorEmail  string
	TargetID    *uuid.UUID
	TargetEmail string
	Action      AdminActionKind
	// PausedTasks are the tasks a deactivation paused, which a reactivation may resume.
	PausedTasks []uuid.UUID
	CreatedAt   time.Time
}

// actionDetail is the stored shape of admin_actions.detail.
type actionDetail struct {
	PausedTasks []uuid.UUID `json:"paused_tasks,omitempty"`
}

func adminActionOf(r db.AdminAction, actorEmail, targetEmail string) AdminAction {
	var d actionDetail
	_ = json.Unmarshal(r.Detail, &d) // written by LogAdminAction only
	return AdminAction{ID: r.ID, ActorID: r.ActorID, ActorEmail: actorEmail, TargetID: r.TargetID, TargetEmail: targetEmail,
		Action: AdminActionKind(r.Action), PausedTasks: d.PausedTasks, CreatedAt: r.CreatedAt}
}

// DeactivateUser marks the account deactivated from at, so that its keys and sessions stop
// working at once, or leaves the time it already has; nothing is deleted. ErrNotFound when
// there is no such user.
func (s *Store) DeactivateUser(ctx context.Context, id uuid.UUID, at time.Time) (User, error) {
	r, err := s.q.DeactivateUser(ctx, db.DeactivateUserParams{ID: id, At: at})
	if err == nil {
		return userOf(r), nil
	}
	if err := translate(err); !errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("deactivating user: %w", err)
	}
	return s.GetUser(ctx, id) // already deactivated, or missing
}

// ReactivateUser lets a deactivated account sign in again; an active one is left as it is.
func (s *Store) ReactivateUser(ctx context.Context, id uuid.UUID, at time.Time) (User, error) {
	r, err := s.q.ReactivateUser(ctx, db.ReactivateUserParams{ID: id, At: at})
	if err == nil {
		return userOf(r), nil
	}
	if err := translate(err); !errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("reactivating user: %w", err)
	}
	return s.GetUser(ctx, id)
}

// LogAdminAction records that actor (nil: an operator on the database) did kind to target.
func (s *Store) LogAdminAction(ctx context.Context, actor *uuid.UUID, target uuid.UUID, kind AdminActionKind,
	paused []uuid.UUID, at time.Time) (AdminAction, error) {
	detail, _ := json.Marshal(actionDetail{PausedTasks: paused})
	r, err := s.q.InsertAdminAction(ctx, db.InsertAdminActionParams{ActorID: actor, TargetID: &target, Action: string(kind),
		Detail: detail, At: at})
	if err != nil {
		return AdminAction{}, fmt.Errorf("logging admin action: %w", translate(err))
	}
	return adminActionOf(r, "", ""), nil
}

// ListAdminActions returns the admin log newest first, of one target when target is set.
func (s *Store) ListAdminActions(ctx context.Context, target *uuid.UUID, limit int, after *Cursor) ([]AdminAction, error) {
	at, id := keyset(after)
	rows, err := s.q.ListAdminActions(ctx, db.ListAdminActionsParams{TargetID: target, AfterAt: at, AfterID: id, MaxRows: int32(limit)})
	return mapAll(rows, err, "listing admin actions", func(r db.ListAdminActionsRow) AdminAction {
		return adminActionOf(r.AdminAction, r.ActorEmail, r.TargetEmail)
	})
}

// PausedByDeactivation returns the tasks the account's deactivations since its latest
// reactivation paused, each once; none when there were none.
func (s *Store) PausedByDeactivation(ctx context.Context, target uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.q.DeactivationsSinceReactivation(ctx, &target)
	if err != nil {
		return nil, fmt.Errorf("reading the deactivations: %w", translate(err))
	}
	var paused []uuid.UUID
	for _, r := range rows {
		for _, id := range adminActionOf(r, "", "").PausedTasks {
			if !slices.Contains(paused, id) {
				paused = append(paused, id)
			}
		}
	}
	return paused, nil
}

// ChangeUserRole gives the user role and logs it as done by actor (nil: an operator on the
// database); it reports whether the role changed. ErrNotFound when there is no such user.
func (s *Store) ChangeUserRole(ctx context.Context, actor *uuid.UUID, id uuid.UUID, role Role, at time.Time) (bool, error) {
	changed := false
	err := s.inTx(ctx, func(q *db.Queries) error {
		u, err := q.GetUser(ctx, id)
		if err != nil {
			return translate(err)
		}
		if Role(u.Role) == role {
			return nil
		}
		if _, err := q.SetUserRole(ctx, db.SetUserRoleParams{ID: id, Role: string(role)}); err != nil {
			return translate(err)
		}
		kind := ActionGrantAdmin
		if role != RoleAdmin {
			kind = ActionRevokeAdmin
		}
		detail, _ := json.Marshal(actionDetail{})
		changed = true
		_, err = q.InsertAdminAction(ctx, db.InsertAdminActionParams{ActorID: actor, TargetID: &id, Action: string(kind),
			Detail: detail, At: at})
		return translate(err)
	})
	if err != nil {
		return false, fmt.Errorf("changing role: %w", err)
	}
	return changed, nil
}

// UserTaskIDs lists the user's tasks, oldest first, of one state when state is set.
func (s *Store) UserTaskIDs(ctx context.Context, userID uuid.UUID, state string) ([]uuid.UUID, error) {
	ids, err := s.q.UserTaskIDs(ctx, db.UserTaskIDsParams{UserID: userID, State: state})
	if err != nil {
		return nil, fmt.Errorf("listing the user's tasks: %w", translate(err))
	}
	return ids, nil
}

// RevokeUserAPIKeys stops every key of the user from working and says how many it stopped.
func (s *Store) RevokeUserAPIKeys(ctx context.Context, userID uuid.UUID, at time.Time) (int, error) {
	n, err := s.q.RevokeUserAPIKeys(ctx, db.RevokeUserAPIKeysParams{UserID: userID, At: at})
	if err != nil {
		return 0, fmt.Errorf("revoking the user's API keys: %w", translate(err))
	}
	return int(n), nil
}

// DeleteUser removes the account and, through ON DELETE CASCADE, every row that belongs to
// it, with its rate-limit buckets; the admin log keeps its entries with the ids set null.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return s.inTx(ctx, func(q *db.Queries) error {
		if err := q.DeleteUserFindings(ctx, id); err != nil {
			return fmt.Errorf("deleting the findings of the user's runs: %w", translate(err))
		}
		n, err := q.DeleteUser(ctx, id)
		if err != nil {
			return fmt.Errorf("deleting user: %w", translate(err))
		}
		if n == 0 {
			return fmt.Errorf("deleting user: %w", ErrNotFound)
		}
		if err := q.DeleteUserBuckets(ctx, id); err != nil {
			return fmt.Errorf("deleting the user's rate buckets: %w", translate(err))
		}
		return nil
	})
}
