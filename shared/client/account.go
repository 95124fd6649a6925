package client

import (
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
)

// ExportMe copies everything Torale holds about the caller, as JSON, to w without holding it
// in memory. An export cut off midway is an error.
func (c *Client) ExportMe(ctx context.Context, w io.Writer) (int64, error) {
	res, err := c.send(ctx, "GET", "/api/v1/me/export", nil, nil)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(w, res.Body)
	if err != nil {
		return n, fmt.Errorf("the export was cut off after %d bytes: %w", n, err)
	}
	return n, nil
}

// DeleteMe deletes the caller's account; confirm is its email address (or id when it has none).
func (c *Client) DeleteMe(ctx context.Context, confirm string) (contract.AccountDeleted, error) {
	var out contract.AccountDeleted
	return out, c.do(ctx, "DELETE", "/api/v1/me", nil, contract.AccountDeletion{Confirm: confirm}, &out)
}

// Redeliver sends one of the caller's delivered or failed notifications again, as a new
// delivery.
func (c *Client) Redeliver(ctx context.Context, id uuid.UUID) (contract.Delivery, error) {
	var out contract.Delivery
	return out, c.do(ctx, "POST", "/api/v1/webhook/deliveries/"+id.String()+"/redeliver", nil, nil, &out)
}

// AdminDeactivate deactivates an account: its keys and sessions stop, its tasks pause.
func (c *Client) AdminDeactivate(ctx context.Context, userID uuid.UUID) (contract.AdminUserChange, error) {
	var out contract.AdminUserChange
	return out, c.do(ctx, "POST", "/api/v1/admin/users/"+userID.String()+"/deactivate", nil, nil, &out)
}

// AdminReactivate lets an account sign in again; resume resumes the tasks the deactivation
// paused.
func (c *Client) AdminReactivate(ctx context.Context, userID uuid.UUID, resume bool) (contract.AdminUserChange, error) {
	var out contract.AdminUserChange
	var body any
	if resume {
		body = contract.ReactivateInput{ResumeTasks: true}
	}
	return out, c.do(ctx, "POST", "/api/v1/admin/users/"+userID.String()+"/reactivate", nil, body, &out)
}

// AdminSetRole grants (admin) or revokes (user) the admin role.
func (c *Client) AdminSetRole(ctx context.Context, userID uuid.UUID, role contract.Role) (contract.User, error) {
	var out contract.User
	return out, c.do(ctx, "POST", "/api/v1/admin/users/"+userID.String()+"/role", nil, contract.RoleInput{Role: role}, &out)
}

// AdminActions lists the admin log, newest first; userID nil means every account.
func (c *Client) AdminActions(ctx context.Context, userID *uuid.UUID, p PageOptions) (contract.Page[contract.AdminAction], error) {
	v := p.values()
	if userID != nil {
		v.Set("user_id", userID.String())
	}
	var out contract.Page[contract.AdminAction]
	return out, c.do(ctx, "GET", "/api/v1/admin/actions", v, nil, &out)
}
