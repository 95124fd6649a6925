// Package contract is Torale's HTTP API on the wire: every request and response body, declared
// once. The API maps its service results into these types, and the typed client and the CLI
// read them, so a Go client links the standard library, uuid and task's enums and nothing of
// the database, the scheduler or the mailer. functions/api/openapi.json describes the same
// shapes for everyone else; a test there holds the two field by field.
//
// Renaming a column or a service field changes nothing here: only an edit to this package (and
// the document) changes what clients see.
package contract

import "github.com/torale-ai/torale/shared/task"

// Page is one page of a list: every list endpoint answers with it.
type Page[T any] struct {
	// Data is this page's items, never null.
	Data []T `json:"data"`
	// NextCursor is passed back as ?cursor= for the next page; nil on the last page.
	NextCursor *string `json:"next_cursor"`
}

// Health is the answer of GET /healthz, so probes can tell a live service from a proxy's page.
type Health struct {
	Status string `json:"status"`
}

// Problem is an RFC 9457 problem detail, the body of every error response, so that clients
// handle every failure one way.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors names each invalid field of a request body.
	Errors []FieldError `json:"errors,omitempty"`
	// Category says why a check failed, so a client can tell a rate limit from a bad query.
	Category task.ErrorCategory `json:"category,omitempty"`
	// RequestID ties a 5xx to the server's log lines.
	RequestID string `json:"request_id,omitempty"`
}

// FieldError is one invalid field of a request, so a client can show the message next to the
// right input.
type FieldError struct {
	// Field is the JSON path, such as notifications[1].address.
	Field   string `json:"field"`
	Message string `json:"message"`
}
