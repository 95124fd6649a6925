package contract

import (
	"time"

	"github.com/google/uuid"
)

// Channel is a saved chat or push channel. Settings shows each setting as saved, secret ones
// masked (their last four characters at most): a secret is never returned after saving.
type Channel struct {
	ID        uuid.UUID         `json:"id"`
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	Settings  map[string]string `json:"settings"`
	ForAlerts bool              `json:"for_alerts"`
	IsDefault bool              `json:"is_default"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// ChannelInput is the body of POST /channels.
type ChannelInput struct {
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	Settings  map[string]string `json:"settings"`
	ForAlerts bool              `json:"for_alerts,omitempty"`
	IsDefault bool              `json:"is_default,omitempty"`
}

// ChannelPatch is the body of PATCH /channels/{id}; absent fields stay. Settings merge into the
// saved ones: a setting given replaces its value, "" removes it, others are kept, so a secret
// need not be typed again.
type ChannelPatch struct {
	Name      *string           `json:"name,omitempty"`
	Settings  map[string]string `json:"settings,omitempty"`
	ForAlerts *bool             `json:"for_alerts,omitempty"`
	IsDefault *bool             `json:"is_default,omitempty"`
}

// ChannelKind is a kind of channel with the settings a form asks for.
type ChannelKind struct {
	Kind   string         `json:"kind"`
	Fields []ChannelField `json:"fields"`
}

// ChannelField is one setting of a kind.
type ChannelField struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
	// Secret settings are sealed when stored and shown masked after saving.
	Secret bool `json:"secret"`
	// URL settings are addresses Torale posts to; private and metadata addresses are refused.
	URL  bool   `json:"url"`
	Hint string `json:"hint,omitempty"`
	// Default is the value an empty setting takes.
	Default string `json:"default,omitempty"`
}

// ChannelTestResult is how a test message went; the service's response body is never read
// into it.
type ChannelTestResult struct {
	OK bool `json:"ok"`
	// StatusCode is nil when no answer came.
	StatusCode *int   `json:"status_code"`
	LatencyMS  int64  `json:"latency_ms"`
	Error      string `json:"error,omitempty"`
	DeliveryID string `json:"delivery_id"`
}
