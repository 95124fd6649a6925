package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// decodeJSON reads one JSON object into v, refusing bodies over 1 MiB (413), and with a 422
// naming the field or the position: an empty body, malformed JSON, a value that is not an
// object, unknown fields, bytes that are not UTF-8, lone surrogate escapes, and strings the
// database cannot store.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	err := decodeOptionalJSON(w, r, v)
	if errors.Is(err, errNoBody) {
		return emptyBodyProblem()
	}
	return err
}

// decodeOptionalJSON is decodeJSON for a body that may be left out: it returns errNoBody, and
// leaves v alone, when the body is empty.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, maxBody)
}

// noBody refuses a body on a route that takes none: an empty body or {} passes, anything else
// is a 422, so a client that sends a body expecting it to matter learns that it does not.
func noBody(w http.ResponseWriter, r *http.Request) error {
	var empty struct{}
	err := decodeBody(w, r, &empty, maxNoBody)
	if err == nil || errors.Is(err, errNoBody) {
		return nil
	}
	return noBodyProblem()
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	body, err := readJSONBody(w, r, limit)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("body holds more than one JSON value")
	}
	if err == nil {
		if bad := unstorableFields(v); len(bad) > 0 {
			return unstorableProblem(bad)
		}
		return nil
	}
	return jsonProblem(err)
}

// jsonProblem turns a decoding error into the problem that explains it.
func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	p := contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input"}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		p.Detail = "The body ends in the middle of a JSON value."
	case errors.As(err, &syntax):
		p.Detail = fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		p.Detail = "A field has the wrong type."
		p.Errors = []contract.FieldError{{Field: field, Message: "must be " + jsonType(typ.Type.Kind().String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json (v1, what Go 1.26 builds by default) reports an unknown field only as
		// this text, made with fmt.Errorf: it has no typed error for it. The typed
		// ErrUnknownName exists only in encoding/json/v2, behind GOEXPERIMENT=jsonv2. Matching
		// the text is the only route until v2 ships; api_test's "unknown field" case fails if
		// the text changes.
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		p.Detail = "The body has a field this endpoint does not take."
		p.Errors = []contract.FieldError{{Field: name, Message: "is not a known field"}}
	default:
		p.Detail = "The body could not be read as JSON: " + err.Error()
	}
	return &problemError{p}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	default:
		return "a number"
	}
}

// pageQuery is a list request's limit and position.
type pageQuery struct {
	limit int
	after *store.Cursor
}

func pageParams(r *http.Request) (pageQuery, error) {
	q := r.URL.Query()
	p := pageQuery{limit: 50}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return p, badRequest("limit must be a whole number from 1 to 200")
		}
		p.limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := decodeCursor(v)
		if err != nil {
			return p, badRequest("cursor is not one this API returned; start again without it")
		}
		p.after = &c
	}
	return p, nil
}

// page trims a result fetched with limit+1 rows to limit, sets the cursor when more exist, and
// maps the rows into their wire form.
func page[T, V any](rows []T, limit int, cursor func(T) store.Cursor, view func(T) V) contract.Page[V] {
	var next *string
	if len(rows) > limit {
		c := encodeCursor(cursor(rows[limit-1]))
		next = &c
		rows = rows[:limit]
	}
	return whole(rows, view, next)
}

// whole is a list answered in one page: its data is never null.
func whole[T, V any](rows []T, view func(T) V, next *string) contract.Page[V] {
	out := contract.Page[V]{Data: mapAll(rows, view), NextCursor: next}
	if out.Data == nil {
		out.Data = []V{}
	}
	return out
}

func encodeCursor(c store.Cursor) string {
	raw := c.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + c.ID.String()
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (store.Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, err
	}
	at, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return store.Cursor{}, errors.New("no separator")
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return store.Cursor{}, err
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return store.Cursor{}, err
	}
	return store.Cursor{CreatedAt: t, ID: u}, nil
}
