//go:build linux

// Command restart measures how soon torale dev runs the work a crash left: it seeds tasks due
// now, starts the local platform with an agent that hangs, kills it with SIGKILL once every fire
// is claimed and runs are inside the agent, starts it again on the same database, and reports
// the seconds from the restart to the last run started. Beside it, the baseline from the same
// run: the same tasks on a fresh database and a fresh start, without a crash. It checks one
// execution per fire in both and exits 1 when that fails. bench/restart.sh runs it against a
// throwaway PostgreSQL.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/torale-ai/torale/bench/machine"
)

type options struct {
	Runs    int           // -runs, tasks due at once (default 50)
	Delay   time.Duration // -agent, how long the agent takes per run (default 200ms)
	Timeout time.Duration // -timeout, longest wait for one phase (default 3m)
	JSON    bool
}

func main() {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := child(mode); err != nil {
			fmt.Fprintln(os.Stderr, "restart child:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.Runs, "runs", 50, "tasks due at once")
	flag.DurationVar(&o.Delay, "agent", 200*time.Millisecond, "how long the agent takes per run")
	flag.DurationVar(&o.Timeout, "timeout", 3*time.Minute, "longest wait for one phase")
	flag.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, o)
	if rep != nil {
		printReport(os.Stdout, rep, o.JSON)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "restart:", err)
		os.Exit(1)
	}
}

// phase is what one start of the platform did with the due tasks.
type phase struct {
	// LastStarted is the seconds from the process's exec to the last run started.
	LastStarted float64 `json:"last_run_started_s"`
	// AllFinished is the seconds from the exec to the last run finished.
	AllFinished float64 `json:"all_finished_s"`
	Executions  int     `json:"executions"`
	Succeeded   int     `json:"succeeded"`
}

// report is the whole run's figures.
type report struct {
	Runs    int     `json:"runs"`
	AgentMS int64   `json:"agent_ms"`
	LoadAvg float64 `json:"load_avg"`
	Fresh   phase   `json:"fresh_start"`
	Restart phase   `json:"after_sigkill"`
	// AtKill is what the killed process left: fires claimed and not started, runs inside the agent.
	AtKill struct {
		Pending int `json:"pending"`
		Running int `json:"running"`
	} `json:"at_kill"`
	// Recovered is what the restarted process's recovery at start logged.
	Recovered map[string]any `json:"recovered"`
}

func run(ctx context.Context, o options) (*report, error) {
	server := os.Getenv("TEST_DATABASE_URL")
	rep := &report{Runs: o.Runs, AgentMS: o.Delay.Milliseconds(), LoadAvg: machine.LoadAvg()}
	fresh, err := newBench(ctx, server, "restart_fresh", o)
	if err != nil {
		return nil, err
	}
	defer fresh.close()
	if rep.Fresh, _, err = fresh.life(ctx, "answer"); err != nil {
		return rep, fmt.Errorf("fresh start: %w", err)
	}
	crash, err := newBench(ctx, server, "restart_crash", o)
	if err != nil {
		return rep, err
	}
	defer crash.close()
	if rep.AtKill.Pending, rep.AtKill.Running, err = crash.killInside(ctx); err != nil {
		return rep, fmt.Errorf("first life: %w", err)
	}
	var logs *lineLog
	if rep.Restart, logs, err = crash.life(ctx, "answer"); err != nil {
		return rep, fmt.Errorf("after the kill: %w", err)
	}
	rep.Recovered = logs.find("recovered runs")
	for _, p := range []phase{rep.Fresh, rep.Restart} {
		if p.Executions != o.Runs || p.Succeeded != o.Runs {
			return rep, fmt.Errorf("one execution per fire broken: %d tasks, %d executions, %d succeeded", o.Runs, p.Executions, p.Succeeded)
		}
	}
	return rep, nil
}

func printReport(w io.Writer, r *report, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r)
		return
	}
	fmt.Fprintf(w, "restart: %d tasks due at once, agent %d ms per run, torale dev's 1 s sweep, load %.2f\n",
		r.Runs, r.AgentMS, r.LoadAvg)
	fmt.Fprintf(w, "%-26s %22s %16s %11s\n", "", "to last run started", "to all finished", "executions")
	row := func(name string, p phase) {
		fmt.Fprintf(w, "%-26s %20.2f s %14.2f s %11d\n", name, p.LastStarted, p.AllFinished, p.Executions)
	}
	row("fresh start (baseline)", r.Fresh)
	row("restart after SIGKILL", r.Restart)
	fmt.Fprintf(w, "at the kill: %d fires claimed and not started, %d runs inside the agent\n", r.AtKill.Pending, r.AtKill.Running)
	fmt.Fprintf(w, "recovery at start: %v\n", r.Recovered)
	if r.Fresh.LastStarted > 0 {
		fmt.Fprintf(w, "ratio %.2f (restart / fresh start, to last run started)\n", r.Restart.LastStarted/r.Fresh.LastStarted)
	}
}
