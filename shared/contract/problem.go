package contract

import "github.com/torale-ai/torale/shared/task"

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
