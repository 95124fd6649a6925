package client

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
)

// Alerts returns a page of the user's alerts, newest first; only open ones when openOnly.
func (c *Client) Alerts(ctx context.Context, openOnly bool, p PageOptions) (contract.Page[contract.Alert], error) {
	q := p.values()
	if openOnly {
		q.Set("open", "true")
	}
	var out contract.Page[contract.Alert]
	return out, c.do(ctx, "GET", "/api/v1/alerts", q, nil, &out)
}

// Spend returns the user's model spend this month against their cap.
func (c *Client) Spend(ctx context.Context) (contract.Spend, error) {
	var out contract.Spend
	return out, c.do(ctx, "GET", "/api/v1/spend", nil, nil, &out)
}

// AdminSetSpendCap sets a user's own monthly cap in US dollars (0: none), or with nil puts them
// back on the platform's.
func (c *Client) AdminSetSpendCap(ctx context.Context, userID uuid.UUID, capUSD *float64) (contract.Spend, error) {
	var out contract.Spend
	return out, c.do(ctx, "PUT", "/api/v1/admin/users/"+url.PathEscape(userID.String())+"/spend-cap", nil,
		contract.SpendCapInput{MonthlySpendCapUSD: capUSD}, &out)
}
