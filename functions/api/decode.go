package api

import (
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

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// decodeJSON reads one JSON object into v, refusing bodies over 1 MiB (413), unknown fields and
// malformed JSON (422, naming the field or the position).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("body holds more than one JSON value")
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	p := Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input"}
	switch {
	case errors.As(err, &tooBig):
		p = Problem{Status: http.StatusRequestEntityTooLarge, Detail: "The request body is larger than 1 MiB."}
	case errors.Is(err, io.EOF):
		p.Detail = "The request body is empty; send a JSON object."
	case errors.As(err, &syntax):
		p.Detail = fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		p.Detail = "A field has the wrong type."
		p.Errors = []task.FieldError{{Field: field, Message: "must be " + jsonType(typ.Type.Kind().String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		p.Detail = "The body has a field this endpoint does not take."
		p.Errors = []task.FieldError{{Field: name, Message: "is not a known field"}}
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

// listPage is the shape of every list response.
type listPage[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// page trims a result fetched with limit+1 rows to limit and sets the cursor when more exist.
func page[T any](rows []T, limit int, cursor func(T) store.Cursor) listPage[T] {
	out := listPage[T]{Data: rows}
	if out.Data == nil {
		out.Data = []T{}
	}
	if len(rows) > limit {
		out.Data = rows[:limit]
		c := encodeCursor(cursor(rows[limit-1]))
		out.NextCursor = &c
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
