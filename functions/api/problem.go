package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// writeProblem writes p, filling in the type and the status text as the title.
func writeProblem(w http.ResponseWriter, p contract.Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeError is the one place an error becomes an HTTP status. Unknown errors are a 500 whose
// body carries only the request id; the log has the rest.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *task.ValidationError
	var te *task.TransitionError
	var pe *problemError
	var ce *store.ConflictError
	var le *watch.LimitError
	var tre *schedule.TriggerError
	switch {
	case errors.As(err, &pe):
		writeProblem(w, pe.Problem)
	case errors.As(err, &ve):
		writeProblem(w, contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input",
			Detail: "Some fields are not valid; see errors.", Errors: contract.FieldErrorsOf(ve.Fields)})
	case errors.As(err, &te):
		writeProblem(w, contract.Problem{Status: http.StatusConflict, Detail: te.Error()})
	case errors.Is(err, store.ErrInvalidText):
		// The backstop: a check before the store missed a string PostgreSQL cannot hold.
		a.log.WarnContext(r.Context(), "unstorable text reached the store", slog.String("request_id", requestID(r)),
			slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		writeProblem(w, contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input",
			Detail: "A value holds a NUL character or bytes that are not UTF-8, which cannot be stored."})
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, contract.Problem{Status: http.StatusNotFound, Detail: "No such resource."})
	case errors.As(err, &tre):
		// The scheduler refused or did not answer; the change was rolled back.
		a.log.WarnContext(r.Context(), "trigger update failed", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
		if tre.RetryAfter > 0 {
			w.Header().Set("Retry-After", retryAfter(tre.RetryAfter))
		}
		writeProblem(w, contract.Problem{Status: http.StatusServiceUnavailable, Title: "Scheduling is unavailable",
			Detail: tre.Message + " Nothing was changed.", RequestID: requestID(r)})
	case errors.As(err, &le):
		writeProblem(w, contract.Problem{Status: http.StatusConflict, Title: "Limit reached", Detail: le.Reason})
	case errors.As(err, &ce):
		writeProblem(w, contract.Problem{Status: http.StatusConflict, Detail: ce.Reason})
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, contract.Problem{Status: http.StatusConflict, Detail: "The resource changed or already exists."})
	default:
		id := requestID(r)
		a.log.ErrorContext(r.Context(), "request failed", slog.String("request_id", id),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		writeProblem(w, contract.Problem{Status: http.StatusInternalServerError,
			Detail: "Something went wrong on our side. Quote the request id if you report it.", RequestID: id})
	}
}

// problemError carries a ready-made problem through an error return.
type problemError struct{ contract.Problem }

func (p *problemError) Error() string { return p.Detail }

func badRequest(detail string) error {
	return &problemError{contract.Problem{Status: http.StatusBadRequest, Detail: detail}}
}
