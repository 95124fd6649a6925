// Command functions-agent is the agent function's server alone: the image's agent service runs
// it (Cloud Run's command) instead of the functions server, so it links and initialises the
// model's and the page reader's packages and nothing of the database, Pub/Sub, Cloud Scheduler
// or the API (bench/coldstart: its start and idle memory beside the functions server's).
// FUNCTION_TARGET may be unset or "agent"; anything else is refused, since only the functions
// server serves the other functions.
package main

import (
	"context"
	"fmt"
	"os"
	_ "time/tzdata" // task time zones, also in images without /usr/share/zoneinfo

	"github.com/torale-ai/torale/platform/agentservice"
	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
)

// SIGTERM is Cloud Run stopping the instance: stop the runs in flight, answer them as
// retryable, and exit 0.
func main() { serve.Main("functions-agent", run) }

func run(ctx context.Context) error {
	if t := os.Getenv("FUNCTION_TARGET"); t != "" && t != "agent" {
		return fmt.Errorf("FUNCTION_TARGET is %q, but this binary serves the agent function only: run /usr/local/bin/functions for the others", t)
	}
	cfg, err := config.FromEnv(config.Env)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, logging.Format(cfg.LogFormat), cfg.LogLevel)
	return agentservice.Service{Config: cfg, Host: os.Getenv("HOST"), Log: log}.Run(ctx)
}
