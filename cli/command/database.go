package command

import (
	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/cloudsql"
)

// openDatabase connects the commands that work on the database itself (migrate, admin
// grant/revoke) the way the services do: DATABASE_URL, through the Cloud SQL connector with IAM
// authentication when TORALE_CLOUDSQL_INSTANCE is set.
func openDatabase(cmd *cobra.Command, getenv func(string) string) (*store.Store, error) {
	url := getenv("DATABASE_URL")
	if url == "" {
		return nil, usagef("DATABASE_URL is not set; set it to the database's postgres:// URL")
	}
	var opts store.Options
	opts.MaxConns = 2
	if instance := getenv("TORALE_CLOUDSQL_INSTANCE"); instance != "" {
		dial, err := cloudsql.Dial(cmd.Context(), instance)
		if err != nil {
			return nil, err
		}
		opts.Dial = dial
	}
	return store.Open(cmd.Context(), url, opts)
}
