package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// NewCmdAdminReconcile returns `torale admin reconcile`: one reconcile pass, now. Deploys run
// it after migrating; operators run it after an incident.
func NewCmdAdminReconcile(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Make scheduler jobs, stuck runs and unsent notifications match the database",
		Long: `Runs one reconcile pass on the server: creates missing Cloud Scheduler jobs, deletes
orphaned ones and fixes schedule and pause drift; fails runs stuck past their deadline (their
tasks keep their schedules); re-triggers runs and overdue tasks whose trigger was lost; and
republishes notifications whose message never went out. A pass changes only what drifted, so
running it again is harmless.`,
		Example: "  torale admin reconcile\n  torale admin reconcile --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			r, err := c.AdminReconcile(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, r)
			}
			rows := [][2]string{{"mode", r.Mode}}
			if j := r.Jobs; j != nil {
				rows = append(rows, [2]string{"jobs", fmt.Sprintf("%d checked, %d created, %d updated, %d paused, %d resumed, %d deleted",
					j.Checked, j.Created, j.Updated, j.Paused, j.Resumed, j.Deleted)})
			}
			rows = append(rows,
				[2]string{"stuck runs failed", fmt.Sprint(r.RunsFailed)},
				[2]string{"next runs repaired", fmt.Sprint(r.NextRunsRepaired)},
				[2]string{"runs re-triggered", fmt.Sprint(r.RunsRetriggered)},
				[2]string{"overdue re-triggered", fmt.Sprint(r.OverdueRetriggered)},
				[2]string{"notifications republished", fmt.Sprint(r.NotificationsRepublished)},
				[2]string{"took", r.FinishedAt.Sub(r.StartedAt).Round(1e6).String()})
			if err := f.printer().fields(rows); err != nil {
				return err
			}
			if len(r.Errors) > 0 {
				return fmt.Errorf("some steps failed:\n  %s", strings.Join(r.Errors, "\n  "))
			}
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}
