// Command apiload measures how many pages of 50 tasks the API serves a second, and how fast,
// under a fixed concurrency, beside a loop of the same SQL query run straight through the
// store at the same concurrency: the bare query is the floor the database sets, so the ratio
// is the share of it the API keeps after authentication, routing and JSON. It serves the real
// API handler on a loopback listener in-process, backed by a fresh migrated database on the
// PostgreSQL server at TEST_DATABASE_URL, and drops that database when it is done;
// bench/apiload.sh runs it against a throwaway cluster.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/torale-ai/torale/bench/apiserver"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"

	"github.com/torale-ai/torale/bench/benchdb"

	"github.com/torale-ai/torale/bench/machine"
)

// options is what one measurement needs, parsed once in main.
type options struct {
	// Concurrency is how many requests or queries are in flight at once (-c, default 16).
	Concurrency int
	// Duration is how long each phase is timed in all (-d, default 10s), split over Rounds.
	Duration time.Duration
	// Warmup is how long each phase runs, untimed, before the first timed round (-warmup, 2s).
	Warmup time.Duration
	// Rounds is how many slices each phase's Duration is cut into (-rounds, default 10); the
	// phases alternate API, bare, bare, API, ... so drifting load falls on both alike.
	Rounds int
	// PoolSize bounds the store's connection pool (-pool, default 2×c, at most 100).
	PoolSize int
	// JSON prints the report as JSON instead of a table (-json).
	JSON bool
	// CPUProfile, when set, is where a CPU profile of the timed rounds is written (-cpuprofile).
	CPUProfile string
	// Ops are the requests measured, each beside its bare store call (-op, default every one:
	// list, get, create, run).
	Ops []string
	// ServerURL is the PostgreSQL server the benchmark database is made on (TEST_DATABASE_URL).
	ServerURL string
}

func main() {
	opts := options{ServerURL: os.Getenv("TEST_DATABASE_URL")}
	flag.IntVar(&opts.Concurrency, "c", 16, "requests or queries in flight at once")
	flag.DurationVar(&opts.Duration, "d", 10*time.Second, "timed duration of each phase")
	flag.DurationVar(&opts.Warmup, "warmup", 2*time.Second, "untimed run of each phase before the first round")
	flag.IntVar(&opts.Rounds, "rounds", 10, "slices each phase's duration is cut into, alternating the phases")
	flag.IntVar(&opts.PoolSize, "pool", 0, "connection pool size (0: 2×c, at most 100)")
	flag.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	flag.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the timed rounds to this file")
	op := flag.String("op", strings.Join(ops, ","), "requests to measure, comma-separated: "+strings.Join(ops, ", "))
	flag.Parse()
	opts.Ops = strings.Split(*op, ",")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "apiload:", err)
		os.Exit(1)
	}
}

// run prepares the database and the server, warms both phases up, times them in alternating
// rounds and writes the report to stdout; progress goes to stderr.
func run(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	if err := opts.check(); err != nil {
		return err
	}
	loadBefore := machine.LoadAvg()
	if opts.PoolSize == 0 {
		opts.PoolSize = min(2*opts.Concurrency, 100)
	}
	dbURL, drop, err := benchdb.Create(ctx, opts.ServerURL, "apiload")
	if err != nil {
		return err
	}
	defer drop()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: int32(opts.PoolSize)})
	if err != nil {
		return fmt.Errorf("opening the benchmark database: %w", err)
	}
	defer st.Close()
	fmt.Fprintf(stderr, "seeding %d tasks\n", seedTasks)
	fx, err := seed(ctx, st, dbURL)
	if err != nil {
		return err
	}
	// Fresh statistics, so the planner picks its steady plan now and autovacuum's own ANALYZE
	// does not land in the middle of a round.
	if err := benchdb.Exec(ctx, dbURL, `ANALYZE`); err != nil {
		return fmt.Errorf("analyzing the benchmark database: %w", err)
	}

	log := logging.New(stderr, logging.FormatJSON, "warn")
	srv, err := apiserver.Serve(ctx, dbURL, st, log, apiserver.Options{Unlimited: true})
	if err != nil {
		return err
	}
	defer srv.Close()

	var reps []report
	for _, op := range opts.Ops {
		phases, err := opPhases(op, srv.URL, st, fx, opts.Concurrency)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s:\n", op)
		if err := warmUp(ctx, phases, opts, stderr); err != nil {
			return err
		}
		results, err := measure(ctx, phases, opts, stderr)
		if err != nil {
			return err
		}
		reps = append(reps, newReport(op, opts, loadBefore, results))
		loadBefore = machine.LoadAvg()
	}
	if opts.JSON {
		return writeJSON(stdout, reps)
	}
	for _, rep := range reps {
		if err := rep.writeTable(stdout); err != nil {
			return err
		}
	}
	return nil
}

// check refuses options that cannot make a measurement.
func (o options) check() error {
	switch {
	case o.Concurrency < 1:
		return errors.New("-c must be at least 1")
	case o.Rounds < 1:
		return errors.New("-rounds must be at least 1")
	case o.Duration < time.Duration(o.Rounds)*time.Millisecond:
		return errors.New("-d is too short for its rounds")
	case o.PoolSize < 0:
		return errors.New("-pool must not be negative")
	case o.ServerURL == "":
		return errors.New("TEST_DATABASE_URL is not set: run bench/apiload.sh, which starts a throwaway PostgreSQL")
	}
	return nil
}

// warmUp runs each phase for opts.Warmup untimed, so connections, caches and plans are ready,
// and fails when a phase cannot succeed at all.
func warmUp(ctx context.Context, phases []phase, opts options, stderr io.Writer) error {
	if opts.Warmup <= 0 {
		return nil
	}
	fmt.Fprintf(stderr, "warming up: %s of each phase at c=%d\n", opts.Warmup, opts.Concurrency)
	for _, p := range phases {
		r := drive(ctx, p, opts.Concurrency, opts.Warmup)
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.OK == 0 {
			return fmt.Errorf("warm-up of %s: nothing succeeded: %s", p.Name, r.FirstError)
		}
	}
	return nil
}

// measure times each phase for opts.Duration, cut into opts.Rounds slices run in ABBA order,
// under a CPU profile when one is asked for. It returns the merged result of each phase, in
// the phases' order.
func measure(ctx context.Context, phases []phase, opts options, stderr io.Writer) ([]result, error) {
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return nil, fmt.Errorf("creating the CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, fmt.Errorf("starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	slice := opts.Duration / time.Duration(opts.Rounds)
	merged := make([]result, len(phases))
	fmt.Fprintf(stderr, "timing %d rounds of %s of each phase\n", opts.Rounds, slice)
	for round := range opts.Rounds {
		for i := range phases {
			if round%2 == 1 {
				i = len(phases) - 1 - i
			}
			merged[i].merge(drive(ctx, phases[i], opts.Concurrency, slice))
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return merged, nil
}
