// Package contract is Torale's HTTP API on the wire: every request and response body, declared
// once. The API maps its service results into these types, and the typed client and the CLI
// read them, so a Go client links the standard library, uuid and task's enums and nothing of
// the database, the scheduler or the mailer. functions/api/openapi.json describes the same
// shapes for everyone else; a test there holds the two field by field.
//
// Renaming a column or a service field changes nothing here: only an edit to this package (and
// the document) changes what clients see.
package contract

// Health is the answer of GET /healthz and GET /health, so probes can tell a live service from a proxy's page.
type Health struct {
	Status string `json:"status"`
	// Schema is where the database's schema stands against this build's; absent for a
	// function with no database (agent).
	Schema *SchemaVersions `json:"schema,omitempty"`
}

// SchemaVersions are the migration versions a health check reports: a build serves on a
// schema from its own version up to NewestAccepted (a newer release migrated within the
// window, or this is a rollback).
type SchemaVersions struct {
	Database       int `json:"database"`
	Build          int `json:"build"`
	NewestAccepted int `json:"newest_accepted"`
}
