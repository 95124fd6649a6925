package command

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
)

// NewCmdDev returns `torale dev`, the whole platform on this machine.
func NewCmdDev(f *Factory) *cobra.Command {
	ios, getenv := f.IO, f.Getenv
	var addr, dataDir string
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole platform on this machine",
		Long: `Run Torale locally in one process: the API, the scheduler sweep, the runner and the
notifier. Without DATABASE_URL it starts its own PostgreSQL under --data-dir from the
server binaries on this machine, and reuses it next time.

Requests without a token act as a local user named by the X-Torale-Dev-User header
("dev" by default), so torale dev only listens on a loopback address. The default user "dev"
(the dashboard's) is an admin, so the admin console works locally; users named by the header
are not, so both sides can be tried. GET /api/v1/config tells the dashboard there is no
sign-in.`,
		Example: `  torale dev
  torale dev --addr 127.0.0.1:9090 --data-dir /tmp/torale
  curl -X POST localhost:8080/api/v1/tasks -d '{"search_query":"next iPhone release date"}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env := func(k string) string {
				if k == "TORALE_LOG_FORMAT" && getenv(k) == "" {
					return "text"
				}
				return getenv(k)
			}
			cfg, err := config.FromEnv(env)
			if err != nil {
				return usageError{err}
			}
			log := logging.New(ios.Err, logging.Format(cfg.LogFormat), cfg.LogLevel)
			err = platform.Local{
				Addr: addr, DataDir: dataDir, Config: cfg, Log: log,
				Ready: func(url string) { fmt.Fprintf(ios.Out, "Torale is running at %s\n", url) },
			}.Run(cmd.Context())
			switch {
			case err == nil:
				fmt.Fprintln(ios.Out, "Torale stopped.")
			case errors.Is(err, platform.ErrNotLoopback):
				return usageError{err}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "loopback address to serve on")
	cmd.Flags().StringVar(&dataDir, "data-dir", ".torale", "where the local database lives")
	return cmd
}
