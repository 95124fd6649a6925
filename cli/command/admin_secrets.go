package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
)

// rotation is what `torale admin rotate-secrets --json` prints.
type rotation struct {
	Primary  string              `json:"primary"`
	Columns  []store.ResealCount `json:"columns"`
	Resealed int                 `json:"resealed"`
	Failed   int                 `json:"failed"`
}

// NewCmdAdminRotateSecrets returns `torale admin rotate-secrets`: the middle step of a key
// rotation, working on the database directly like `torale migrate`, since it needs the keys.
func NewCmdAdminRotateSecrets(f *Factory) *cobra.Command {
	var asJSON bool
	var batch int
	cmd := &cobra.Command{
		Use:   "rotate-secrets",
		Short: "Re-seal every stored secret under the first key of TORALE_SECRET_KEYS (works on the database directly)",
		Long: `Re-seals every stored secret (webhook signing secrets, custom webhook header values, and any
other sealed column) whose key is not the first of TORALE_SECRET_KEYS, in batches, so the older
keys can then be dropped. Run it with the same TORALE_SECRET_KEYS the services have: the new key
first, the old ones after it. Running it again re-seals nothing more.

A value that does not open (its key is not in TORALE_SECRET_KEYS) is counted, left as it is and
named by its row, never by its value; the command then exits 1. The database is DATABASE_URL,
reached through the Cloud SQL connector when TORALE_CLOUDSQL_INSTANCE is set, as for torale
migrate. See the README's "Rotating the secret keys".`,
		Example: `  TORALE_SECRET_KEYS="2026-12:$NEW,2026-01:$OLD" DATABASE_URL=postgres://torale@localhost/torale torale admin rotate-secrets
  torale admin rotate-secrets --batch 100 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec := f.Getenv("TORALE_SECRET_KEYS")
			if spec == "" {
				return usagef("TORALE_SECRET_KEYS is not set; set it to the keyring the services use, the new key first")
			}
			ring, err := sealed.Parse(spec)
			if err != nil {
				return usagef("TORALE_SECRET_KEYS: %v", err)
			}
			if batch < 1 || batch > 10000 {
				return usagef("--batch must be between 1 and 10000")
			}
			s, err := openDatabase(cmd, f.Getenv)
			if err != nil {
				return err
			}
			defer s.Close()
			rep := rotation{Primary: ring.Primary(), Columns: []store.ResealCount{}}
			for _, col := range store.SealedColumns() {
				c, err := s.Reseal(cmd.Context(), ring, col, batch)
				if err != nil {
					return err
				}
				rep.Columns = append(rep.Columns, c)
				rep.Resealed += c.Resealed
				rep.Failed += c.Failed
			}
			if err := printRotation(f, rep, asJSON); err != nil {
				return err
			}
			if rep.Failed > 0 {
				return fmt.Errorf("%d stored secrets did not open and were left under their old keys; put those keys back in TORALE_SECRET_KEYS and run again", rep.Failed)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&batch, "batch", 500, "rows re-sealed per transaction")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	return cmd
}

func printRotation(f *Factory, rep rotation, asJSON bool) error {
	if asJSON {
		return writeJSON(f.IO.Out, rep)
	}
	rows := make([][]string, 0, len(rep.Columns))
	for _, c := range rep.Columns {
		rows = append(rows, []string{c.Table + "." + c.Column, fmt.Sprint(c.Stale), fmt.Sprint(c.Resealed),
			fmt.Sprint(c.Changed), fmt.Sprint(c.Failed)})
	}
	if err := f.printer().table([]string{"COLUMN", "STALE", "RESEALED", "CHANGED", "FAILED"}, rows); err != nil {
		return err
	}
	for _, c := range rep.Columns {
		for _, e := range c.Errors {
			fmt.Fprintln(f.IO.Err, "  "+e)
		}
	}
	_, err := fmt.Fprintf(f.IO.Err, "%d re-sealed under key %q, %d failed\n", rep.Resealed, rep.Primary, rep.Failed)
	return err
}
