package api

import (
	"net/http"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

// previewRuns is how many upcoming fires a schedule preview lists.
const previewRuns = 5

// previewSchedule answers POST /api/v1/schedules/preview: the schedule and zone as a task would
// store them and the next fires, or the same 422 field errors task creation gives. It stores
// nothing and costs no more than parsing, so it is not rate-limited: a form may call it as the
// user types.
func (a *API) previewSchedule(w http.ResponseWriter, r *http.Request, _ store.User) error {
	var b contract.ScheduleInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	p, err := a.watch.PreviewSchedule(b.Schedule, b.Timezone, previewRuns)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contract.SchedulePreview{Schedule: p.Schedule, Timezone: p.Timezone, NextRuns: p.NextRuns})
	return nil
}
