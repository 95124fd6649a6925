// Package tick is the `tick` Cloud Run function of sweep mode: Cloud Scheduler calls it every
// minute and it triggers every due task.
package tick

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
)

// Sweeper triggers due tasks and says how many.
type Sweeper interface {
	Sweep(ctx context.Context) (int, error)
}

// New returns the HTTP function. It answers 200 with the count, or 500 so Cloud Scheduler
// records the failure (the next minute's tick sweeps again).
func New(s Sweeper, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := s.Sweep(r.Context())
		if err != nil {
			log.ErrorContext(r.Context(), "tick failed", "error", err.Error())
			http.Error(w, "sweep failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int{"triggered": n})
	}
}
