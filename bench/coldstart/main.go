// Command coldstart measures how long the functions server takes, for every FUNCTION_TARGET,
// from exec to its first healthy answer, and how much memory it holds once idle, beside two
// floors started the same way: a bare net/http server (what any Go server pays) and a
// hello-world function on functions-framework-go alone (what the framework pays), so the
// ratios say what Torale's own start-up adds. It builds the binaries, gives the functions
// server a fresh migrated database on the PostgreSQL server at TEST_DATABASE_URL, and drops
// that database when it is done; bench/coldstart.sh runs it against a throwaway cluster.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"time"

	"github.com/torale-ai/torale/bench/benchdb"
)

// options is what one measurement needs, parsed once in main.
type options struct {
	// Runs is how many times each binary is started (-n, default 20).
	Runs int
	// JSON prints the report as JSON instead of a table (-json).
	JSON bool
	// Idle is how long a healthy server sits before its RSS is read (-idle, default 200ms).
	Idle time.Duration
	// Timeout bounds the wait for one start's first 200 (-timeout, default 30s).
	Timeout time.Duration
	// ServerURL is the PostgreSQL server the functions server's database is made on
	// (TEST_DATABASE_URL).
	ServerURL string
}

// target is one binary under test, started with Env beside the common environment.
type target struct {
	Name    string
	Package string
	Path    string
	Env     []string
}

// functionsPackage is the functions server every FUNCTION_TARGET row starts, unless the
// function has a binary of its own.
const functionsPackage = "github.com/torale-ai/torale/functions/cmd/functions"

// functionTargets are the Cloud Run services' FUNCTION_TARGETs, each measured on its own.
var functionTargets = []string{"api", "runtask", "notify", "agent", "tick", "worker"}

// ownPackages are the functions whose service runs a binary of their own
// (platform.OwnBinaries), by package: the function's row starts that binary, as the image's
// service does, and a row named "<function>/functions" starts the functions server serving it,
// for the difference.
var ownPackages = map[string]string{"agent": "github.com/torale-ai/torale/functions/cmd/functions-agent"}

// databasePackage is the floor of a function with a database as its binary links it (the store
// and the Cloud SQL connector), started twice: linked and initialised only (+connector: beside
// framework+store, which links the store alone, it prices the connector), and connected with its
// schema checked (framework+db).
const databasePackage = "github.com/torale-ai/torale/bench/coldstart/database"

// targets is what one run measures: the five floors, then every function.
func targets() []target {
	ts := []target{
		{Name: "bare", Package: "github.com/torale-ai/torale/bench/coldstart/bare"},
		{Name: "framework", Package: "github.com/torale-ai/torale/bench/coldstart/framework", Env: []string{"FUNCTION_TARGET=hello"}},
		{Name: "framework+store", Package: "github.com/torale-ai/torale/bench/coldstart/storeonly", Env: []string{"FUNCTION_TARGET=hello", "COLDSTART_NO_QUERY=1"}},
		{Name: "+connector", Package: databasePackage, Env: []string{"FUNCTION_TARGET=hello", "COLDSTART_NO_QUERY=1"}},
		{Name: "framework+db", Package: databasePackage, Env: []string{"FUNCTION_TARGET=hello"}},
	}
	for _, fn := range functionTargets {
		env := []string{"FUNCTION_TARGET=" + fn}
		if pkg, ok := ownPackages[fn]; ok {
			ts = append(ts, target{Name: fn, Package: pkg, Env: env},
				target{Name: fn + "/functions", Package: functionsPackage, Env: env})
			continue
		}
		ts = append(ts, target{Name: fn, Package: functionsPackage, Env: env})
	}
	return ts
}

func main() {
	opts := options{ServerURL: os.Getenv("TEST_DATABASE_URL")}
	flag.IntVar(&opts.Runs, "n", 20, "how many times to start each binary")
	flag.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	flag.DurationVar(&opts.Idle, "idle", 200*time.Millisecond, "idle time before reading a server's RSS")
	flag.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "longest wait for one start's first 200")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// run builds the binaries, prepares the database, starts each binary opts.Runs times and
// writes the report to stdout; progress goes to stderr.
func run(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	if opts.Runs < 1 {
		return errors.New("-n must be at least 1")
	}
	if opts.ServerURL == "" {
		return errors.New("TEST_DATABASE_URL is not set: run bench/coldstart.sh, which starts a throwaway PostgreSQL")
	}
	dir, err := os.MkdirTemp("", "coldstart-")
	if err != nil {
		return fmt.Errorf("making a build directory: %w", err)
	}
	defer os.RemoveAll(dir)

	targets := targets()
	built := map[string]string{} // package -> binary, so the functions server is built once
	fmt.Fprintln(stderr, "building the binaries")
	for i := range targets {
		if path, ok := built[targets[i].Package]; ok {
			targets[i].Path = path
			continue
		}
		targets[i].Path = filepath.Join(dir, targets[i].Name)
		if err := build(ctx, targets[i]); err != nil {
			return err
		}
		built[targets[i].Package] = targets[i].Path
	}

	dbURL, drop, err := benchdb.Create(ctx, opts.ServerURL, "coldstart")
	if err != nil {
		return err
	}
	defer drop()

	// The push functions (runtask, notify, tick) start as in production, with push
	// authentication configured: the validator is built at start, no token is fetched.
	env := []string{"DATABASE_URL=" + dbURL, "HOST=127.0.0.1", "TORALE_LOG_FORMAT=json",
		"TORALE_PUSH_AUDIENCE=https://coldstart.invalid/", "TORALE_PUSH_SERVICE_ACCOUNT=push@coldstart.invalid"}
	fmt.Fprintf(stderr, "starting each binary %d times\n", opts.Runs)
	samples, err := measureAll(ctx, targets, env, opts)
	if err != nil {
		return err
	}
	rep := newReport(targets, samples)
	if opts.JSON {
		return rep.writeJSON(stdout)
	}
	return rep.writeTable(stdout)
}

// measureAll starts the binaries in turn, one run of each per round, so drift in the
// machine's load falls on all alike. It returns each binary's samples under its name.
func measureAll(ctx context.Context, targets []target, env []string, opts options) (map[string][]sample, error) {
	samples := make(map[string][]sample, len(targets))
	for round := 0; round < opts.Runs; round++ {
		for _, t := range targets {
			s, err := measureOnce(ctx, t.Path, append(slices.Clip(env), t.Env...), opts)
			if err != nil {
				return nil, fmt.Errorf("%s, run %d: %w", t.Name, round+1, err)
			}
			samples[t.Name] = append(samples[t.Name], s)
		}
	}
	return samples, nil
}
