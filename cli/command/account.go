package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// NewCmdNotifications returns `torale notifications`.
func NewCmdNotifications(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "notifications <subcommand>",
		Short:   "See what your tasks told you",
		Example: "  torale notifications list\n  torale notifications list --task 3f2c...",
	}
	var taskID string
	var limit int
	var asJSON bool
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List runs that notified, newest first, with each channel's delivery",
		Example: "  torale notifications list --limit 10 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			var page contract.Page[contract.Notified]
			if taskID != "" {
				id, err := parseID(taskID, "task")
				if err != nil {
					return err
				}
				page, err = c.ListTaskNotifications(cmd.Context(), id, client.PageOptions{Limit: limit})
				if err != nil {
					return err
				}
			} else if page, err = c.ListNotifications(cmd.Context(), client.PageOptions{Limit: limit}); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			rows := make([][]string, len(page.Data))
			for i, n := range page.Data {
				delivery := ""
				for _, d := range n.Deliveries {
					delivery += fmt.Sprintf("%s:%s ", d.Channel, p.paint(string(d.Status)))
				}
				note := ""
				if n.Result != nil && n.Result.Notification != nil {
					note = *n.Result.Notification
				}
				rows[i] = []string{p.when(n.FinishedAt), p.cell(n.TaskName, 30), p.cell(note, 60), firstOf(delivery, "in-app")}
			}
			return p.table([]string{"WHEN", "TASK", "NOTIFICATION", "DELIVERY"}, rows)
		},
	}
	list.Flags().StringVar(&taskID, "task", "", "only this task's notifications")
	list.Flags().IntVarP(&limit, "limit", "L", 20, "how many to show (1-200)")
	addJSONFlag(list, &asJSON)
	cmd.AddCommand(list)
	return cmd
}

// NewCmdKeys returns `torale keys`.
func NewCmdKeys(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "keys <subcommand>",
		Short:   "Create, list and revoke API keys",
		Example: "  torale keys create laptop\n  torale keys list\n  torale keys revoke KEY_ID",
	}
	var createJSON, listJSON bool
	create := &cobra.Command{
		Use:     "create NAME",
		Short:   "Create an API key; it is shown only once",
		Example: "  torale keys create ci --json | jq -r .key",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			k, err := c.CreateAPIKey(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if createJSON {
				return writeJSON(f.IO.Out, k)
			}
			fmt.Fprintln(f.IO.Out, k.Key)
			fmt.Fprintf(f.IO.Err, "Created key %q (%s). Store it now: it is not shown again.\n", k.Name, k.ID)
			return nil
		},
	}
	addJSONFlag(create, &createJSON)
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your API keys",
		Example: "  torale keys list",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			keys, err := c.ListAPIKeys(cmd.Context())
			if err != nil {
				return err
			}
			if listJSON {
				return writeJSON(f.IO.Out, contract.Page[contract.APIKey]{Data: keys})
			}
			p := f.printer()
			rows := make([][]string, len(keys))
			for i, k := range keys {
				rows[i] = []string{k.ID.String(), p.cell(k.Name, 30), k.Prefix + "…", p.when(&k.CreatedAt), p.when(k.LastUsedAt)}
			}
			return p.table([]string{"ID", "NAME", "KEY", "CREATED", "LAST USED"}, rows)
		},
	}
	addJSONFlag(list, &listJSON)
	revoke := &cobra.Command{
		Use:     "revoke KEY_ID",
		Short:   "Revoke a key; it stops working at once",
		Example: "  torale keys revoke 7c1d...",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "key")
			if err != nil {
				return err
			}
			if err := c.RevokeAPIKey(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "Revoked key %s.\n", id)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// NewCmdAdmin returns `torale admin` (administrators only).
func NewCmdAdmin(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin <subcommand>",
		Short: "Platform operations (administrators only)",
		Long: `Platform operations. stats and reconcile call the API as an admin; grant and revoke
work on the database directly (DATABASE_URL), the way the first admin is made, and so does
rotate-secrets, which needs the secret keys (TORALE_SECRET_KEYS).`,
		Example: "  torale admin stats\n  DATABASE_URL=postgres://torale@localhost/torale torale admin grant ada@example.com",
	}
	var asJSON bool
	stats := &cobra.Command{
		Use:     "stats",
		Short:   "Users, active tasks, and runs over the last 24 hours",
		Example: "  torale admin stats --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			st, err := c.AdminStats(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, st)
			}
			return f.printer().fields([][2]string{{"users", fmt.Sprint(st.Users)}, {"active tasks", fmt.Sprint(st.ActiveTasks)},
				{"runs (24 h)", fmt.Sprint(st.Runs)}, {"failure rate", fmt.Sprintf("%.1f%%", 100*st.FailureRate)},
				{"notification rate", fmt.Sprintf("%.1f%%", 100*st.NotificationRate)}})
		},
	}
	addJSONFlag(stats, &asJSON)
	cmd.AddCommand(stats, NewCmdAdminReconcile(f), NewCmdAdminRole(f, true), NewCmdAdminRole(f, false),
		NewCmdAdminRotateSecrets(f))
	return cmd
}
