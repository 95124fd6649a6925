package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/text"
)

// maxNoBody is how much of a body a route that takes none reads before refusing it: enough for
// "{}" with any whitespace a client adds.
const maxNoBody = 4 << 10

// errNoBody marks an empty body, which only routes with an optional body accept.
var errNoBody = errors.New("the request body is empty")

// checkRequest refuses, before the rate limit spends a token and before any handler runs, what
// no handler should see: a path value the database could not store (a 404, as no such resource
// can exist), a body on a route that takes none, and a body that is not a UTF-8 JSON object
// (422s). A body that passes is put back for the handler to decode.
func checkRequest(w http.ResponseWriter, r *http.Request, rt Route) error {
	for rest := rt.Path; ; {
		_, after, ok := strings.Cut(rest, "{")
		if !ok {
			break
		}
		name, tail, _ := strings.Cut(after, "}")
		if !text.Storable(r.PathValue(strings.TrimSuffix(name, "..."))) {
			return store.ErrNotFound
		}
		rest = tail
	}
	if rt.Body == BodyNone {
		return noBody(w, r)
	}
	body, err := readJSONBody(w, r, maxBody)
	switch {
	case errors.Is(err, errNoBody) && rt.Body == BodyOptional:
	case errors.Is(err, errNoBody):
		return emptyBodyProblem()
	case err != nil:
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// readJSONBody reads a request body of at most limit bytes and checks what encoding/json would
// hide: bytes that are not UTF-8 and \u escapes of half a surrogate pair, both of which it
// silently turns into U+FFFD, and a top-level value that is not an object (null would decode
// as {}). It returns errNoBody for a body that is empty or only whitespace.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) && limit == maxNoBody:
		return nil, noBodyProblem()
	case errors.As(err, &tooBig):
		return nil, &problemError{contract.Problem{Status: http.StatusRequestEntityTooLarge, Detail: "The request body is larger than 1 MiB."}}
	case err != nil:
		// The client went away or stalled past the server's read timeout: its fault, not ours.
		return nil, invalidBody("The request body could not be read: " + err.Error())
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errNoBody
	}
	if at := invalidUTF8At(body); at >= 0 {
		return nil, textProblem(body, at, fmt.Sprintf("The body is not valid UTF-8 (at byte %d).", at), "must be valid UTF-8 text")
	}
	if at := loneSurrogate(body); at >= 0 {
		return nil, textProblem(body, at, fmt.Sprintf("The body escapes half of a UTF-16 surrogate pair (at byte %d); "+
			"such a string is not Unicode text.", at), "must not escape half of a surrogate pair")
	}
	if !json.Valid(trimmed) {
		return nil, jsonProblem(json.Unmarshal(trimmed, new(any)))
	}
	if trimmed[0] != '{' {
		return nil, &problemError{contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input",
			Detail: "The body must be a JSON object.", Errors: []contract.FieldError{{Field: "body", Message: "must be an object"}}}}
	}
	return body, nil
}

// textProblem is the 422 for text that is not Unicode at byte at of body, naming the field that
// holds it when the body is otherwise well-formed JSON.
func textProblem(body []byte, at int, detail, message string) error {
	p := contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input", Detail: detail}
	if field := fieldAt(body, at); field != "" {
		p.Errors = []contract.FieldError{{Field: field, Message: message}}
	}
	return &problemError{p}
}

func invalidBody(detail string) error {
	return &problemError{contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input", Detail: detail}}
}

func emptyBodyProblem() error {
	return invalidBody("The request body is empty; send a JSON object.")
}

func noBodyProblem() error {
	return invalidBody("This endpoint takes no body; send none, or {}.")
}

// invalidUTF8At is the offset of the first byte of body that does not start valid UTF-8, or -1
// when body is valid UTF-8.
func invalidUTF8At(body []byte) int {
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// loneSurrogate returns the offset of the first \uXXXX escape in body that encodes half of a
// UTF-16 surrogate pair without the other half, or -1 when there is none. A backslash is only
// valid JSON inside a string, so every escape is looked at without tracking strings; an escaped
// backslash is skipped whole so "\\ud800" (a backslash, then text) is not taken for an escape.
// Malformed escapes are left to the decoder, which reports them as syntax errors.
func loneSurrogate(body []byte) int {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		r, ok := escapeAt(body, i)
		switch {
		case !ok:
			i++ // the escaped character, whatever it is
		case r >= 0xD800 && r <= 0xDBFF: // high half: a low half must follow at once
			low, ok := escapeAt(body, i+6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return i
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF: // low half with no high half before it
			return i
		default:
			i += 5
		}
	}
	return -1
}

// escapeAt reads the \uXXXX escape at body[i:], reporting false when there is none.
func escapeAt(body []byte, i int) (rune, bool) {
	if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range body[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
