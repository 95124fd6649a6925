package contract

import "time"

// Stats are the platform's vital signs over the last 24 hours, for the admin console.
type Stats struct {
	Users            int       `json:"users"`
	ActiveTasks      int       `json:"active_tasks"`
	Runs             int       `json:"runs"`
	FailedRuns       int       `json:"failed_runs"`
	FailureRate      float64   `json:"failure_rate"`
	NotifiedRuns     int       `json:"notified_runs"`
	NotificationRate float64   `json:"notification_rate"`
	Since            time.Time `json:"since"`
}
