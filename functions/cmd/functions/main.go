// Command functions is the server binary that serves every Cloud Run function (the agent's
// service runs its own, smaller functions-agent; platform.OwnBinaries). FUNCTION_TARGET picks
// the function a service serves (at every path, with GET /healthz and GET /health beside it);
// with it unset each is served at /<name>, with /healthz and /health beside. The assembly,
// the server and its ordered shutdown on SIGTERM are the platform's (platform.Cloud).
package main

import (
	"context"
	"os"
	_ "time/tzdata" // task time zones, also in images without /usr/share/zoneinfo

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
)

// SIGTERM is Cloud Run (or a spot node) stopping the instance: shut down in order and exit 0.
func main() { serve.Main("functions", run) }

func run(ctx context.Context) error {
	cfg, err := config.FromEnv(config.Env)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, logging.Format(cfg.LogFormat), cfg.LogLevel)
	return platform.Cloud{Config: cfg, Target: os.Getenv("FUNCTION_TARGET"), Host: os.Getenv("HOST"), Log: log}.Run(ctx)
}
