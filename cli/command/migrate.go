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
		Long: `Apply, revert or inspect the schema migrations embedded in this build.
The database is DATABASE_URL (a postgres:// URL); with TORALE_CLOUDSQL_INSTANCE
("project:region:instance") it is reached through the Cloud SQL connector with IAM
authentication, as DATABASE_URL's user.`,
		Example: `  DATABASE_URL=postgres://torale@localhost/torale torale migrate up
  torale migrate status --json`,
	}
	open := func(cmd *cobra.Command) (*store.Store, error) {
		url := getenv("DATABASE_URL")
		if url == "" {
			return nil, usagef("DATABASE_URL is not set; set it to the database's postgres:// URL")
		}
		opts := store.Options{MaxConns: 2}
		if instance := getenv("TORALE_CLOUDSQL_INSTANCE"); instance != "" {
			// The migration job on Cloud Run: through the connector, as its IAM user.
			dial, err := store.CloudSQLDial(cmd.Context(), instance)
			if err != nil {
				return nil, err
			}
			opts.Dial = dial
		}
		return store.Open(cmd.Context(), url, opts)
	}
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
			fmt.Fprintf(ios.Out, "Schema is at version %d (up to date).\n", store.LatestVersion())
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
					"current": st.Current, "latest": st.Latest, "dirty": st.Dirty, "up_to_date": st.UpToDate()})
			}
			switch {
			case st.Dirty:
				fmt.Fprintf(ios.Out, "Schema is at version %d and dirty: a migration failed halfway.\n", st.Current)
			case st.UpToDate():
				fmt.Fprintf(ios.Out, "Schema is at version %d (up to date).\n", st.Current)
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
