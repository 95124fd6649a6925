//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// The child is the runtask process the parent kills: the functions server with runtask, the
// gate and the runner, as on Cloud Run, with an agent that takes a while so kills land in
// every phase of a run.
const (
	childEnv     = "TORALE_CRASH_CHILD"
	agentTimeout = 2 * time.Second // a killed attempt is presumed dead a minute after this
)

// slow notifies after 50 to 400 ms.
type slow struct{}

func (slow) Run(ctx context.Context, _ agent.Input) (agent.Output, error) {
	select {
	case <-time.After(time.Duration(50+rand.IntN(350)) * time.Millisecond):
	case <-ctx.Done():
		return agent.Output{}, ctx.Err()
	}
	text := "It was announced."
	return agent.Output{Result: task.Result{Evidence: "seen", Confidence: 90, Notification: &text,
		Sources: []task.Source{{URL: "https://example.com", Title: "Example"}}}}, nil
}

func child() error {
	ctx := context.Background()
	log := logging.New(os.Stderr, logging.FormatText, "info")
	st, err := store.Open(ctx, os.Getenv("DATABASE_URL"), store.Options{MaxConns: 10})
	if err != nil {
		return err
	}
	pub, err := event.NewPubSub(ctx, os.Getenv("TORALE_PUBSUB_PROJECT"), event.PubSubOptions{})
	if err != nil {
		return err
	}
	r := runner.New(st, slow{}, reconcile.NewOutboxPublisher(pub, st, time.Now, log), time.Now, log,
		runner.Config{AgentTimeout: agentTimeout, MaxAttempts: 3})
	gate := schedule.NewGate(st, r.HandleTask, time.Now, log)
	functions.HTTP("runtask", runtask.New(gate, runtask.Config{Log: log}))
	if err := os.Setenv("FUNCTION_TARGET", "runtask"); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "child serving on", os.Getenv("PORT"))
	return funcframework.StartHostPort("127.0.0.1", os.Getenv("PORT"))
}
