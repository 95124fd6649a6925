package reconcile

import "github.com/torale-ai/torale/shared/contract"

// Wire is the report as the API and the tick function write it: both answer with what a pass
// did, so the mapping lives once, beside the report.
func (r Report) Wire() contract.ReconcileReport {
	out := contract.ReconcileReport{Mode: r.Mode, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		RunsFailed: r.RunsFailed, NextRunsRepaired: r.NextRunsRepaired, RunsRetriggered: r.RunsRetriggered,
		OverdueRetriggered: r.OverdueRetriggered, NotificationsRepublished: r.NotificationsRepublished, Errors: r.Errors}
	if j := r.Jobs; j != nil {
		out.Jobs = &contract.ReconcileJobCounts{Checked: j.Checked, Created: j.Created, Updated: j.Updated,
			Paused: j.Paused, Resumed: j.Resumed, Deleted: j.Deleted}
	}
	return out
}
