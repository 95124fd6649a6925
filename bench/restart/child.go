//go:build linux

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/task"
)

// The child is torale dev's platform (platform.Local, its one-second sweep) on the benchmark's
// database, with an agent that answers after a delay or, in the life that is killed, never.
const (
	childEnv = "TORALE_RESTART_CHILD" // "hang" or "answer"
	delayEnv = "TORALE_RESTART_AGENT_DELAY"
	dirEnv   = "TORALE_RESTART_DATA_DIR"
)

// fakeAgent notifies after delay, or hangs until its run is cancelled.
type fakeAgent struct {
	delay time.Duration
	hang  bool
}

func (a fakeAgent) Run(ctx context.Context, _ agent.Input) (agent.Output, error) {
	wait := time.After(a.delay)
	if a.hang {
		wait = nil
	}
	select {
	case <-wait:
	case <-ctx.Done():
		return agent.Output{}, ctx.Err()
	}
	text := "It was announced."
	return agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &text,
		Sources: []task.Source{{URL: "https://example.com", Title: "Example"}}}}, nil
}

func child(mode string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	cfg, err := config.FromEnv(config.Env)
	if err != nil {
		return err
	}
	delay, err := time.ParseDuration(os.Getenv(delayEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", delayEnv, err)
	}
	log := logging.New(os.Stderr, logging.FormatJSON, "info")
	return platform.Local{Addr: "127.0.0.1:0", DataDir: os.Getenv(dirEnv), Config: cfg,
		Agent: fakeAgent{delay: delay, hang: mode == "hang"}, Log: log,
		Ready: func(u string) { log.Info("ready", slog.String("url", u)) }}.Run(ctx)
}
