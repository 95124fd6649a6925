package client

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/webhook"
)

// WebhookInput sets the default webhook; Enabled nil means "on when a URL is set".
type WebhookInput struct {
	URL     string `json:"url"`
	Enabled *bool  `json:"enabled,omitempty"`
}

// GetWebhook returns the caller's webhook settings with the signing secret.
func (c *Client) GetWebhook(ctx context.Context) (webhook.Settings, error) {
	var s webhook.Settings
	return s, c.do(ctx, "GET", "/api/v1/webhook", nil, nil, &s)
}

// SetWebhook sets the caller's default webhook.
func (c *Client) SetWebhook(ctx context.Context, in WebhookInput) (webhook.Settings, error) {
	var s webhook.Settings
	return s, c.do(ctx, "PUT", "/api/v1/webhook", nil, in, &s)
}

// RotateWebhookSecret makes a new signing secret; the old one signs beside it for 24 hours.
func (c *Client) RotateWebhookSecret(ctx context.Context) (webhook.Settings, error) {
	var s webhook.Settings
	return s, c.do(ctx, "POST", "/api/v1/webhook/rotate-secret", nil, nil, &s)
}

// EnableWebhookEndpoint lets deliveries reach an endpoint Torale disabled after a 410 Gone.
func (c *Client) EnableWebhookEndpoint(ctx context.Context, endpoint string) (webhook.Settings, error) {
	var s webhook.Settings
	return s, c.do(ctx, "POST", "/api/v1/webhook/enable", nil, map[string]string{"url": endpoint}, &s)
}

// TestWebhook sends a signed test event to endpoint, or to the default webhook when it is "".
func (c *Client) TestWebhook(ctx context.Context, endpoint string) (webhook.TestResult, error) {
	var r webhook.TestResult
	var body any
	if endpoint != "" {
		body = map[string]string{"url": endpoint}
	}
	return r, c.do(ctx, "POST", "/api/v1/webhook/test", nil, body, &r)
}

// ListWebhookDeliveries lists webhook deliveries with their attempts, newest first; taskID
// nil means every task.
func (c *Client) ListWebhookDeliveries(ctx context.Context, taskID *uuid.UUID, p PageOptions) (Page[store.DeliveryLog], error) {
	v := p.values()
	if taskID != nil {
		v.Set("task_id", taskID.String())
	}
	var out Page[store.DeliveryLog]
	return out, c.do(ctx, "GET", "/api/v1/webhook/deliveries", v, nil, &out)
}

// AddEmail mails a verification code to address (nothing when it is already verified).
func (c *Client) AddEmail(ctx context.Context, address string) (store.EmailAddress, error) {
	var a store.EmailAddress
	return a, c.do(ctx, "POST", "/api/v1/emails", nil, map[string]string{"email": address}, &a)
}

// VerifyEmail sends back the code mailed to address.
func (c *Client) VerifyEmail(ctx context.Context, address, code string) (store.EmailAddress, error) {
	var a store.EmailAddress
	return a, c.do(ctx, "POST", "/api/v1/emails/verify", nil, map[string]string{"email": address, "code": code}, &a)
}

// ListEmails lists the caller's verified addresses and those waiting for a code.
func (c *Client) ListEmails(ctx context.Context) ([]store.EmailAddress, error) {
	var out Page[store.EmailAddress]
	return out.Data, c.do(ctx, "GET", "/api/v1/emails", nil, nil, &out)
}

// DeleteEmail removes one of the caller's addresses.
func (c *Client) DeleteEmail(ctx context.Context, address string) error {
	return c.do(ctx, "DELETE", "/api/v1/emails/"+url.PathEscape(address), nil, nil, nil)
}

// Unsubscribe follows a List-Unsubscribe token, as a mail client's one-click button does.
func (c *Client) Unsubscribe(ctx context.Context, token string) error {
	return c.do(ctx, "POST", "/api/v1/unsubscribe", url.Values{"token": {token}}, nil, nil)
}

// DevMailbox lists the email torale dev kept for the caller, newest first.
func (c *Client) DevMailbox(ctx context.Context) ([]email.Mail, error) {
	var out Page[email.Mail]
	return out.Data, c.do(ctx, "GET", "/api/v1/dev/mailbox", nil, nil, &out)
}
