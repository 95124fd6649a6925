// Command fairness measures how much one user's slow receivers and bursts of runs delay another
// user, in one run on one machine, each next to a baseline from the same run (the victim alone):
//
//   - deliveries, due pass: the victim's webhook deliveries sent by one notifier pass
//     (Notifier.DeliverDue) while the attacker's 20 receivers never answer (the guard's
//     production timeout, 10 s);
//   - deliveries, bus: the same rows announced as notify messages on the in-process bus of
//     torale dev (Notifier.Enqueue);
//   - runs: the victim's run-task message on the in-process bus (4 workers) behind the
//     attacker's burst of 50 runs of 300 ms each.
//
// The figure is the victim's added delay: its last delivery (or its run's start) after the
// attacker's load, minus the same without it. bench/fairness.sh runs it against a throwaway
// PostgreSQL.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

// options is what one run measures, parsed once in main.
type options struct {
	// Hung is how many of the attacker's receivers never answer (-hung, default 20).
	Hung int
	// Victim is how many deliveries the victim waits for (-victim, default 5).
	Victim int
	// Burst is how many runs the attacker's burst holds (-burst, default 50).
	Burst int
	// RunTime is how long each run of the burst takes (-run, default 300ms).
	RunTime time.Duration
	// JSON prints the report as JSON (-json).
	JSON bool
	// ServerURL is the PostgreSQL server (TEST_DATABASE_URL).
	ServerURL string
}

// figure is one scenario: the victim's delay alone and under the attacker's load, in seconds.
type figure struct {
	Scenario string  `json:"scenario"`
	Baseline float64 `json:"baseline_seconds"`
	Loaded   float64 `json:"loaded_seconds"`
	Added    float64 `json:"added_seconds"`
}

func main() {
	opts := options{ServerURL: os.Getenv("TEST_DATABASE_URL")}
	flag.IntVar(&opts.Hung, "hung", 20, "the attacker's receivers that never answer")
	flag.IntVar(&opts.Victim, "victim", 5, "the victim's deliveries")
	flag.IntVar(&opts.Burst, "burst", 50, "runs in the attacker's burst")
	flag.DurationVar(&opts.RunTime, "run", 300*time.Millisecond, "how long each run of the burst takes")
	flag.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "fairness bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opts options) error {
	if opts.Hung < 1 || opts.Victim < 1 || opts.Burst < 1 || opts.RunTime <= 0 {
		return fmt.Errorf("-hung, -victim, -burst and -run must be positive")
	}
	var figs []figure
	for _, mode := range []deliveryMode{duePass, busNotify} {
		fmt.Fprintf(os.Stderr, "measuring deliveries (%s)…\n", mode)
		f, err := deliveries(ctx, opts, mode)
		if err != nil {
			return err
		}
		figs = append(figs, f)
	}
	fmt.Fprintln(os.Stderr, "measuring runs on the bus…")
	figs = append(figs, runs(opts))
	if opts.JSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(figs)
	}
	fmt.Printf("victim's delay, seconds (attacker: %d hung receivers; burst of %d runs of %v)\n", opts.Hung, opts.Burst, opts.RunTime)
	fmt.Printf("%-28s %10s %10s %10s\n", "scenario", "baseline", "loaded", "added")
	for _, f := range figs {
		fmt.Printf("%-28s %10.3f %10.3f %10.3f\n", f.Scenario, f.Baseline, f.Loaded, f.Added)
	}
	return nil
}
