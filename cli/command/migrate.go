package command

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/store"
)

// NewCmdMigrate returns `torale migrate up|down|status`.
func NewCmdMigrate(f *Factory) *cobra.Command {
	ios, getenv := f.IO, f.Getenv
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date, or inspect it",
		Long: fmt.Sprintf(`Apply, revert or inspect the schema migrations embedded in this build.
The database is DATABASE_URL (a postgres:// URL), reached through the Cloud SQL connector
with IAM authentication when TORALE_CLOUDSQL_INSTANCE (project:region:instance) is set.

A build runs on a schema from its own version up to %d versions newer, which a newer release
migrated to; up leaves such a schema as it is, so a rollback's migration step does nothing.
Further ahead, up fails and says to deploy a newer build.`, store.SchemaWindow),
		Example: `  DATABASE_URL=postgres://torale@localhost/torale torale migrate up
  torale migrate status --json`,
	}
	open := func(cmd *cobra.Command) (*store.Store, error) { return openDatabase(cmd, getenv) }
	up := &cobra.Command{
		Use:     "up",
		Short:   "Apply every pending migration",
		Example: "  DATABASE_URL=postgres://torale@localhost/torale torale migrate up",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.MigrateUp(); err != nil {
				return err
			}
			st, err := s.Schema(cmd.Context())
			if err != nil {
				return err
			}
			if st.Ahead() {
				fmt.Fprintf(ios.Out, "Schema is at version %d, newer than this build's %d, which runs on it; left as it is.\n", st.Current, st.Latest)
				return nil
			}
			fmt.Fprintf(ios.Out, "Schema is at version %d (up to date).\n", st.Current)
			return nil
		},
	}
	var all bool
	var steps int
	down := &cobra.Command{
		Use:     "down",
		Short:   "Revert the newest migration (or --steps N, or --all)",
		Args:    cobra.NoArgs,
		Example: "  torale migrate down --steps 2",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if steps < 1 && !all {
				return usagef("--steps must be 1 or more")
			}
			s, err := open(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			if all {
				steps = 0
			}
			if err := s.MigrateDown(steps); err != nil {
				return err
			}
			st, err := s.Schema(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(ios.Out, "Schema is at version %d of %d.\n", st.Current, st.Latest)
			return nil
		},
	}
	down.Flags().IntVar(&steps, "steps", 1, "how many migrations to revert")
	down.Flags().BoolVar(&all, "all", false, "revert every migration (drops all data)")
	var asJSON bool
	status := &cobra.Command{
		Use:     "status",
		Short:   "Show the schema version against this build's",
		Example: "  torale migrate status\n  torale migrate status --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Schema(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(ios.Out).Encode(map[string]any{
					"current": st.Current, "latest": st.Latest, "dirty": st.Dirty, "up_to_date": st.UpToDate(),
					"newest_accepted": st.NewestAccepted(), "runs": st.Check() == nil})
			}
			switch {
			case st.Dirty:
				fmt.Fprintf(ios.Out, "Schema is at version %d and dirty: a migration failed halfway.\n", st.Current)
			case st.UpToDate():
				fmt.Fprintf(ios.Out, "Schema is at version %d (up to date).\n", st.Current)
			case st.Ahead() && st.Check() == nil:
				fmt.Fprintf(ios.Out, "Schema is at version %d, newer than this build's %d; this build runs on it (up to %d).\n",
					st.Current, st.Latest, st.NewestAccepted())
			case st.Ahead():
				fmt.Fprintf(ios.Out, "Schema is at version %d, more than %d newer than this build's %d; this build does not run on it.\n",
					st.Current, store.SchemaWindow, st.Latest)
			default:
				fmt.Fprintf(ios.Out, "Schema is at version %d; this build needs %d. Run 'torale migrate up'.\n", st.Current, st.Latest)
			}
			return nil
		},
	}
	status.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	cmd.AddCommand(up, down, status)
	return cmd
}
