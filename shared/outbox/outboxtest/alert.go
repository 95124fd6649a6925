package outboxtest

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// AlertMessage is an alert's message in phase, about the task of TrickyMessage (whose name
// tries HTML); the channels' alert golden files are made from it.
func AlertMessage(phase task.AlertPhase) outbox.Message {
	m := TrickyMessage()
	opened := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	a := task.Alert{ID: uuid.MustParse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"), UserID: m.Delivery.UserID, TaskID: m.Task.ID,
		Cause:    task.AlertFailing,
		Message:  `Your watch "iPhone 18 <date>" failed its last 3 runs. The last error: the search service refused the query <script>`,
		Advice:   "Open the watch to read each run's error. You will hear again when it works.",
		OpenedAt: opened}
	m.Delivery.AlertID, m.Delivery.AlertPhase, m.Delivery.ExecutionID = &a.ID, phase, uuid.Nil
	m.Delivery.Target, m.Delivery.CreatedAt = "owner@example.com", opened
	if phase == task.AlertResolved {
		resolved := opened.Add(3 * time.Hour)
		a.ResolvedAt, m.Delivery.CreatedAt = &resolved, resolved
	}
	m.Execution, m.Alert = task.Execution{}, &a
	return m
}
