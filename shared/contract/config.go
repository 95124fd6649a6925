package contract

// AuthMode is how the API knows its users, so the dashboard knows whether to sign people in.
type AuthMode string

// The ways the API authenticates browsers.
const (
	// AuthClerk takes Clerk session tokens: the dashboard signs people in with Clerk.
	AuthClerk AuthMode = "clerk"
	// AuthDev acts for the local dev user named by a header (torale dev): no sign-in.
	AuthDev AuthMode = "dev"
)

// RuntimeConfig is what the dashboard reads at start (GET /api/v1/config), served at runtime so
// one build runs against any deployment: nothing of it is baked into the bundle.
type RuntimeConfig struct {
	Auth AuthMode `json:"auth"`
	// ClerkPublishableKey is the key the dashboard loads Clerk with; absent under dev.
	ClerkPublishableKey string `json:"clerk_publishable_key,omitempty"`
	// Version names the server's build.
	Version string `json:"version"`
}
