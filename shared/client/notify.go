package client

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
)

// GetWebhook returns the caller's webhook settings with the signing secret.
func (c *Client) GetWebhook(ctx context.Context) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "GET", "/api/v1/webhook", nil, nil, &s)
}

// SetWebhook sets the caller's default webhook.
func (c *Client) SetWebhook(ctx context.Context, in contract.WebhookInput) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "PUT", "/api/v1/webhook", nil, in, &s)
}

// SetWebhookHeader adds a custom header to the webhook or replaces its value.
func (c *Client) SetWebhookHeader(ctx context.Context, name, value string) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "PUT", "/api/v1/webhook/headers/"+url.PathEscape(name), nil, contract.WebhookHeaderInput{Value: value}, &s)
}

// DeleteWebhookHeader removes a custom header from the webhook.
func (c *Client) DeleteWebhookHeader(ctx context.Context, name string) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "DELETE", "/api/v1/webhook/headers/"+url.PathEscape(name), nil, nil, &s)
}

// RotateWebhookSecret makes a new signing secret; the old one signs beside it for 24 hours.
func (c *Client) RotateWebhookSecret(ctx context.Context) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "POST", "/api/v1/webhook/rotate-secret", nil, nil, &s)
}

// EnableWebhookEndpoint lets deliveries reach an endpoint Torale disabled after a 410 Gone.
func (c *Client) EnableWebhookEndpoint(ctx context.Context, endpoint string) (contract.WebhookSettings, error) {
	var s contract.WebhookSettings
	return s, c.do(ctx, "POST", "/api/v1/webhook/enable", nil, contract.WebhookURLInput{URL: endpoint}, &s)
}

// TestWebhook sends a signed test event to endpoint, or to the default webhook when it is "".
func (c *Client) TestWebhook(ctx context.Context, endpoint string) (contract.WebhookTestResult, error) {
	var r contract.WebhookTestResult
	var body any
	if endpoint != "" {
		body = contract.WebhookURLInput{URL: endpoint}
	}
	return r, c.do(ctx, "POST", "/api/v1/webhook/test", nil, body, &r)
}

// ListWebhookDeliveries lists webhook deliveries with their attempts, newest first; taskID
// nil means every task.
func (c *Client) ListWebhookDeliveries(ctx context.Context, taskID *uuid.UUID, p PageOptions) (contract.Page[contract.DeliveryLog], error) {
	v := p.values()
	if taskID != nil {
		v.Set("task_id", taskID.String())
	}
	var out contract.Page[contract.DeliveryLog]
	return out, c.do(ctx, "GET", "/api/v1/webhook/deliveries", v, nil, &out)
}

// AddEmail mails a verification code to address (nothing when it is already verified).
func (c *Client) AddEmail(ctx context.Context, address string) (contract.EmailAddress, error) {
	var a contract.EmailAddress
	return a, c.do(ctx, "POST", "/api/v1/emails", nil, contract.EmailInput{Email: address}, &a)
}

// VerifyEmail sends back the code mailed to address.
func (c *Client) VerifyEmail(ctx context.Context, address, code string) (contract.EmailAddress, error) {
	var a contract.EmailAddress
	return a, c.do(ctx, "POST", "/api/v1/emails/verify", nil, contract.EmailVerifyInput{Email: address, Code: code}, &a)
}

// ListEmails lists the caller's verified addresses and those waiting for a code.
func (c *Client) ListEmails(ctx context.Context) ([]contract.EmailAddress, error) {
	var out contract.Page[contract.EmailAddress]
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
func (c *Client) DevMailbox(ctx context.Context) ([]contract.Mail, error) {
	var out contract.Page[contract.Mail]
	return out.Data, c.do(ctx, "GET", "/api/v1/dev/mailbox", nil, nil, &out)
}

// ListChannelKinds lists the kinds of channel this deployment can send to, with their settings.
func (c *Client) ListChannelKinds(ctx context.Context) ([]contract.ChannelKind, error) {
	var out contract.Page[contract.ChannelKind]
	return out.Data, c.do(ctx, "GET", "/api/v1/channels/kinds", nil, nil, &out)
}

// ListChannels lists the caller's channels, secrets masked.
func (c *Client) ListChannels(ctx context.Context) ([]contract.Channel, error) {
	var out contract.Page[contract.Channel]
	return out.Data, c.do(ctx, "GET", "/api/v1/channels", nil, nil, &out)
}

// CreateChannel saves a channel; the answer shows its secrets masked.
func (c *Client) CreateChannel(ctx context.Context, in contract.ChannelInput) (contract.Channel, error) {
	var ch contract.Channel
	return ch, c.do(ctx, "POST", "/api/v1/channels", nil, in, &ch)
}

// GetChannel returns one of the caller's channels.
func (c *Client) GetChannel(ctx context.Context, id uuid.UUID) (contract.Channel, error) {
	var ch contract.Channel
	return ch, c.do(ctx, "GET", "/api/v1/channels/"+id.String(), nil, nil, &ch)
}

// UpdateChannel changes one of the caller's channels; settings merge into the saved ones.
func (c *Client) UpdateChannel(ctx context.Context, id uuid.UUID, p contract.ChannelPatch) (contract.Channel, error) {
	var ch contract.Channel
	return ch, c.do(ctx, "PATCH", "/api/v1/channels/"+id.String(), nil, p, &ch)
}

// DeleteChannel deletes one of the caller's channels.
func (c *Client) DeleteChannel(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, "DELETE", "/api/v1/channels/"+id.String(), nil, nil, nil)
}

// TestChannel sends a test message on one of the caller's channels.
func (c *Client) TestChannel(ctx context.Context, id uuid.UUID) (contract.ChannelTestResult, error) {
	var r contract.ChannelTestResult
	return r, c.do(ctx, "POST", "/api/v1/channels/"+id.String()+"/test", nil, nil, &r)
}
