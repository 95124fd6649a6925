package client

import (
	"context"

	"github.com/torale-ai/torale/shared/contract"
)

// Feed returns the user's feed URLs, making the feed token on first use.
func (c *Client) Feed(ctx context.Context) (contract.FeedURLs, error) {
	var f contract.FeedURLs
	return f, c.do(ctx, "GET", "/api/v1/feed", nil, nil, &f)
}

// RotateFeed makes new feed URLs; the old ones stop working at once.
func (c *Client) RotateFeed(ctx context.Context) (contract.FeedURLs, error) {
	var f contract.FeedURLs
	return f, c.do(ctx, "POST", "/api/v1/feed/rotate", nil, nil, &f)
}
