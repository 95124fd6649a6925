package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// newCmdAdminActive returns `torale admin deactivate` (off true) or `torale admin reactivate`.
func newCmdAdminActive(f *Factory, off bool) *cobra.Command {
	var asJSON, resume bool
	cmd := &cobra.Command{
		Use:   "deactivate EMAIL|USER_ID",
		Short: "Deactivate an account: its keys and sessions stop, its tasks pause",
		Long: `Deactivate an account. Its API keys and sessions stop working at once, and every active
task of theirs is paused with its scheduler job. Nothing is deleted; 'torale admin reactivate'
undoes it. The action is logged with your name ('torale admin actions').`,
		Example: "  torale admin deactivate ada@example.com\n  torale admin deactivate 5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b --json",
		Args:    cobra.ExactArgs(1),
	}
	if !off {
		cmd.Use, cmd.Short = "reactivate EMAIL|USER_ID", "Let a deactivated account sign in again"
		cmd.Long = `Let a deactivated account sign in again. Its tasks stay paused unless --resume-tasks is
given; then the tasks the deactivation paused resume (those the user had paused stay paused).
The action is logged with your name.`
		cmd.Example = "  torale admin reactivate ada@example.com --resume-tasks"
		cmd.Flags().BoolVar(&resume, "resume-tasks", false, "resume the tasks the deactivation paused")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := f.Client()
		if err != nil {
			return err
		}
		id, err := findUser(cmd.Context(), c, args[0])
		if err != nil {
			return err
		}
		var ch contract.AdminUserChange
		if off {
			ch, err = c.AdminDeactivate(cmd.Context(), id)
		} else {
			ch, err = c.AdminReactivate(cmd.Context(), id, resume)
		}
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(f.IO.Out, ch)
		}
		who := firstOf(ch.User.Email, ch.User.ID.String())
		if off {
			fmt.Fprintf(f.IO.Out, "Deactivated %s; paused %d tasks.\n", who, len(ch.Action.PausedTasks))
			return nil
		}
		fmt.Fprintf(f.IO.Out, "Reactivated %s; resumed %d tasks.\n", who, len(ch.ResumedTasks))
		for _, n := range ch.NotResumed {
			fmt.Fprintf(f.IO.Err, "Task %s stays paused: %s\n", n.TaskID, n.Reason)
		}
		return nil
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdAdminActions(f *Factory) *cobra.Command {
	var asJSON bool
	var user string
	var limit int
	cmd := &cobra.Command{
		Use:     "actions",
		Short:   "List the admin log: who deactivated, reactivated, granted or revoked whom, and when",
		Example: "  torale admin actions\n  torale admin actions --user ada@example.com --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			var target *uuid.UUID
			if user != "" {
				id, err := findUser(cmd.Context(), c, user)
				if err != nil {
					return err
				}
				target = &id
			}
			page, err := c.AdminActions(cmd.Context(), target, client.PageOptions{Limit: limit})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			rows := make([][]string, len(page.Data))
			for i, a := range page.Data {
				rows[i] = []string{p.when(&a.CreatedAt), a.Action, label(a.ActorEmail, a.ActorID, "operator"),
					label(a.TargetEmail, a.TargetID, "deleted account")}
			}
			return p.table([]string{"WHEN", "ACTION", "BY", "ACCOUNT"}, rows)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "only actions on this account (email or id)")
	cmd.Flags().IntVarP(&limit, "limit", "L", 50, "how many to show (1-200)")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func label(email string, id *uuid.UUID, none string) string {
	switch {
	case email != "":
		return email
	case id != nil:
		return id.String()
	}
	return none
}

// findUser turns a user id or an email address into an id, reading the admin user list for an
// address (compared without case); an unknown or ambiguous address is a usage error.
func findUser(ctx context.Context, c *client.Client, ref string) (uuid.UUID, error) {
	ref = strings.TrimSpace(ref)
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	if !strings.Contains(ref, "@") {
		return uuid.Nil, usagef("%q is neither a user id nor an email address", ref)
	}
	var found []uuid.UUID
	opts := client.PageOptions{Limit: 200}
	for {
		page, err := c.AdminUsers(ctx, opts)
		if err != nil {
			return uuid.Nil, err
		}
		for _, u := range page.Data {
			if strings.EqualFold(u.Email, ref) {
				found = append(found, u.ID)
			}
		}
		if page.NextCursor == nil {
			break
		}
		opts.Cursor = *page.NextCursor
	}
	switch len(found) {
	case 0:
		return uuid.Nil, usagef("no user has the address %q", ref)
	case 1:
		return found[0], nil
	}
	return uuid.Nil, usagef("more than one user has the address %q; name the user by id instead", ref)
}
