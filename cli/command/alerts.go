package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
)

// NewCmdAlerts returns `torale alerts`.
func NewCmdAlerts(f *Factory) *cobra.Command {
	var asJSON, open bool
	var limit int
	var cursor string
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List your watches' alerts, newest first",
		Long: `List the alerts Torale sent you about your watches: one failing several runs in a row, one
that stopped running, a run the spend cap held back, a webhook endpoint disabled after 410 Gone or
failing for a day. Each was told once, on your verified sign-in email and your default webhook,
and told again when it was over.`,
		Example: "  torale alerts\n  torale alerts --open --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			page, err := c.Alerts(cmd.Context(), open, client.PageOptions{Limit: limit, Cursor: cursor})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			if len(page.Data) == 0 && p.tty {
				fmt.Fprintln(f.IO.Err, "No alerts: your watches are fine.")
				return nil
			}
			rows := make([][]string, len(page.Data))
			for i, a := range page.Data {
				state := "open"
				if !a.Open {
					state = "over"
				}
				rows[i] = []string{a.TaskID.String(), p.cell(a.TaskName, 30), string(a.Cause), state, p.when(&a.OpenedAt), p.cell(a.Message, 80)}
			}
			if err := p.table([]string{"TASK", "NAME", "CAUSE", "STATE", "OPENED", "MESSAGE"}, rows); err != nil {
				return err
			}
			if page.NextCursor != nil && p.tty {
				fmt.Fprintf(f.IO.Err, "More alerts: torale alerts --cursor %s\n", *page.NextCursor)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, "only alerts that are not over")
	cmd.Flags().IntVarP(&limit, "limit", "L", 50, "how many alerts to show (1-200)")
	cmd.Flags().StringVar(&cursor, "cursor", "", "continue a previous listing (from next_cursor)")
	addJSONFlag(cmd, &asJSON)
	return cmd
}
