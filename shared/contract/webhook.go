package contract

import "time"

// WebhookSettings is a user's default webhook with the secret that signs all their webhooks.
type WebhookSettings struct {
	URL     string `json:"url"`
	Enabled bool   `json:"enabled"`
	// Secret signs every webhook of the user (task URLs too); receivers verify with it.
	Secret string `json:"secret"`
	// PreviousSecretExpiresAt is when the secret replaced by the last rotation stops signing.
	PreviousSecretExpiresAt *time.Time        `json:"previous_secret_expires_at"`
	RotatedAt               *time.Time        `json:"rotated_at"`
	UpdatedAt               time.Time         `json:"updated_at"`
	DisabledEndpoints       []DisabledWebhook `json:"disabled_endpoints"`
	// Headers are the custom headers sent with every delivery to the webhook's origin.
	Headers []WebhookHeader `json:"headers"`
}

// WebhookHeader is one custom webhook header; its value is stored sealed and shown masked
// (at most its last four characters), never in full.
type WebhookHeader struct {
	Name        string    `json:"name"`
	ValueMasked string    `json:"value_masked"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// WebhookHeaderInput is the body of PUT /webhook/headers/{name}.
type WebhookHeaderInput struct {
	Value string `json:"value"`
}

// DisabledWebhook is an endpoint Torale stopped posting to after a 410 Gone, and why.
type DisabledWebhook struct {
	URL        string    `json:"url"`
	Reason     string    `json:"reason"`
	DisabledAt time.Time `json:"disabled_at"`
}

// WebhookInput is the body of PUT /webhook; Enabled nil means "on when a URL is set".
type WebhookInput struct {
	URL     string `json:"url,omitempty"`
	Enabled *bool  `json:"enabled,omitempty"`
}

// WebhookURLInput is the body of POST /webhook/enable and POST /webhook/test, naming one
// endpoint (for a test, empty means the default webhook).
type WebhookURLInput struct {
	URL string `json:"url,omitempty"`
}

// WebhookTestResult is how a test delivery went; the endpoint's response body is never read
// into it.
type WebhookTestResult struct {
	OK bool `json:"ok"`
	// StatusCode is nil when no answer came.
	StatusCode *int   `json:"status_code"`
	LatencyMS  int64  `json:"latency_ms"`
	Error      string `json:"error,omitempty"`
	WebhookID  string `json:"webhook_id"`
}
