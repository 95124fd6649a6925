// Command dispatch measures the cloud dispatch path on one machine: tasks due at once go
// through the real Pub/Sub emulator, pushed to runtask on the Functions Framework, which runs
// each through the gate and the runner (with an agent that answers at once) over PostgreSQL.
// It reports runs per second end to end and the lag from due to started, for the sweep (tick
// → claim → publish) and for Cloud Scheduler jobs (every job fires at once), next to the
// sweep's claim rate alone. bench/dispatch.sh runs it against a throwaway PostgreSQL.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"github.com/google/uuid"

	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/bench/machine"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
)

// options is what one measurement needs.
type options struct {
	// N is how many tasks fall due at once (-n, default 2000).
	N int
	// Conns bounds the runner's connection pool (-conns); 0, the default, is what the path's
	// process takes when TORALE_DB_MAX_CONNS is unset: torale dev's for the bus, a function's
	// for the emulator paths.
	Conns int
	// Publishers is how many jobs fire at the same instant in the jobs phase (-publishers, 64).
	Publishers int
	// Users own the tasks in equal shares (-users, default 20).
	Users int
	// Phases are the paths measured (-phases, default bus,sweep,jobs).
	Phases string
	// CPUProfile, when set, is where a CPU profile of the whole run is written (-cpuprofile).
	CPUProfile string
	// Timeout bounds each phase's wait for its runs (-timeout, default 5m).
	Timeout time.Duration
	JSON    bool
	// ServerURL is the PostgreSQL server (TEST_DATABASE_URL).
	ServerURL string
}

func main() {
	o := options{ServerURL: os.Getenv("TEST_DATABASE_URL")}
	flag.IntVar(&o.N, "n", 2000, "tasks due at once")
	flag.IntVar(&o.Conns, "conns", 0, "database connections of the runner (default: torale dev's for bus, a function's for sweep and jobs)")
	flag.IntVar(&o.Publishers, "publishers", 64, "jobs publishing at the same instant (jobs phase)")
	flag.IntVar(&o.Users, "users", 20, "users owning the tasks in equal shares")
	flag.StringVar(&o.Phases, "phases", "bus,sweep,jobs", "paths to measure: bus (torale dev), sweep and jobs (Pub/Sub emulator)")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	flag.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "longest wait for a phase's runs")
	flag.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dispatch:", err)
		os.Exit(1)
	}
}

// phase is one dispatch measurement.
type phase struct {
	Name       string  `json:"name"`
	Runs       int     `json:"runs"`
	Executions int     `json:"executions"`
	Seconds    float64 `json:"seconds"` // from due to the last run's end
	RunsPerSec float64 `json:"runs_per_s"`
	LagP50MS   float64 `json:"lag_p50_ms"`
	LagP99MS   float64 `json:"lag_p99_ms"`
	LagMaxMS   float64 `json:"lag_max_ms"`
	// PublishSeconds is how long the triggers took to publish (the sweep's claim and publish,
	// or every job's publish).
	PublishSeconds float64 `json:"publish_seconds"`
	// PeakPushes is the most pushes runtask handled at once.
	PeakPushes int64 `json:"peak_concurrent_pushes"`
	// HandlerMS is runtask's mean time on a push, from the push's arrival to its answer.
	HandlerMS float64 `json:"handler_ms_per_push"`
}

type report struct {
	Date       time.Time `json:"date"`
	GoVersion  string    `json:"go_version"`
	CPUs       int       `json:"cpus"`
	Tasks      int       `json:"tasks"`
	Users      int       `json:"users"`
	LoadBefore float64   `json:"load_avg_1m_before"`
	LoadAfter  float64   `json:"load_avg_1m_after"`
	ClaimPerS  float64   `json:"sweep_claim_per_s"`
	ClaimMS    float64   `json:"sweep_claim_ms"`
	// BusConns and EmulatorConns are the runner's database pool on each path.
	BusConns      int     `json:"bus_db_conns"`
	EmulatorConns int     `json:"emulator_db_conns"`
	Phases        []phase `json:"phases"`
	EmulatorMS    float64 `json:"emulator_start_ms"`
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	rep := report{Date: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), Tasks: o.N, Users: o.Users,
		LoadBefore: machine.LoadAvg(), BusConns: o.busConns(), EmulatorConns: o.emulatorConns()}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var emu *pubsubtest.Emulator
	var srv *server
	// emulated starts the emulator and the functions server on the first phase that needs them.
	emulated := func() error {
		if emu != nil {
			return nil
		}
		start := time.Now()
		var err error
		if emu, err = pubsubtest.Start(ctx); err != nil {
			return err
		}
		rep.EmulatorMS = ms(time.Since(start))
		fmt.Fprintf(stderr, "emulator up in %s (pid %d)\n", time.Since(start).Round(time.Millisecond), emu.Pid)
		srv, err = startServer()
		return err
	}
	defer func() {
		if emu != nil {
			_ = emu.Stop() // the emulator's exit status says nothing about the run
		}
	}()
	for _, name := range strings.Split(o.Phases, ",") {
		fmt.Fprintf(stderr, "%s: %d tasks of %d users due at once...\n", name, o.N, o.Users)
		var ph phase
		var err error
		switch name {
		case "bus":
			ph, err = busPhase(ctx, o, &rep)
		case "sweep", "jobs":
			if err := emulated(); err != nil {
				return err
			}
			if name == "sweep" {
				ph, err = sweepPhase(ctx, o, emu, srv, &rep)
			} else {
				ph, err = jobsPhase(ctx, o, emu, srv, &rep)
			}
		default:
			return fmt.Errorf("-phases: unknown phase %q (bus, sweep, jobs)", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rep.Phases = append(rep.Phases, ph)
	}
	rep.LoadAfter = machine.LoadAvg()
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "\n%d tasks of %d users due at once, %d CPUs, %s, load %.2f before, %.2f after\n", o.N, o.Users, rep.CPUs,
		rep.GoVersion, rep.LoadBefore, rep.LoadAfter)
	fmt.Fprintf(stdout, "runner's database pool: bus %d connections, sweep and jobs %d (-conns; default torale dev's and a function's)\n",
		rep.BusConns, rep.EmulatorConns)
	if rep.ClaimMS > 0 {
		fmt.Fprintf(stdout, "sweep claim alone  %8.0f tasks/s  (%d tasks in %.0f ms, batches of 500)\n", rep.ClaimPerS, o.N, rep.ClaimMS)
	}
	fmt.Fprintf(stdout, "%-8s %8s %10s %9s %11s %11s %11s %10s %8s %11s\n", "path", "runs", "runs/s", "total s", "lag p50 ms",
		"lag p99 ms", "lag max ms", "publish s", "pushes", "ms/push")
	for _, p := range rep.Phases {
		perPush := "-" // the bus has no pushes
		if p.HandlerMS > 0 {
			perPush = fmt.Sprintf("%.2f", p.HandlerMS)
		}
		fmt.Fprintf(stdout, "%-8s %8d %10.0f %9.2f %11.0f %11.0f %11.0f %10.2f %8d %11s\n", p.Name, p.Runs, p.RunsPerSec, p.Seconds,
			p.LagP50MS, p.LagP99MS, p.LagMaxMS, p.PublishSeconds, p.PeakPushes, perPush)
	}
	fmt.Fprintln(stdout, "(lag from due: bus, next_run_at; sweep, the claim; jobs, the jobs' fire. pushes: the most run-task pushes runtask handled at once;")
	fmt.Fprintln(stdout, " ms/push: runtask's mean time on one, from its arrival to its answer)")
	return nil
}

// seed makes o.Users users and o.N tasks due at due, dealt to them in turn.
func seed(ctx context.Context, st *store.Store, dbURL string, o options, due time.Time) error {
	users := make([]uuid.UUID, o.Users)
	for i := range users {
		u, err := st.EnsureUser(ctx, store.Identity{ExternalID: fmt.Sprintf("dev:bench-%02d", i)})
		if err != nil {
			return err
		}
		users[i] = u.ID
	}
	return benchdb.SeedUsers(ctx, dbURL, users, o.N, due)
}

// sweepPhase: the tick's sweep claims every due task and publishes one message each.
func sweepPhase(ctx context.Context, o options, emu *pubsubtest.Emulator, srv *server, rep *report) (phase, error) {
	p, err := newPipeline(ctx, o, emu, srv, "bench-sweep")
	if err != nil {
		return phase{}, err
	}
	defer p.close()
	due := time.Now().Add(2 * time.Second).Truncate(time.Millisecond)
	if err := seed(ctx, p.store, p.dbURL, o, due); err != nil {
		return phase{}, err
	}
	time.Sleep(time.Until(due))
	claimer := &timedClaimer{store: p.store}
	sweeper := schedule.NewSweeper(claimer, p.pub, time.Now, logging.Discard(), schedule.SweepConfig{})
	n, err := sweeper.Sweep(ctx)
	if err != nil {
		return phase{}, err
	}
	// Due is the claim: the tick's own schedule (a minute on Google Cloud) is not dispatch.
	due = claimer.first
	published := time.Since(due)
	if n != o.N || claimer.claimed != o.N {
		return phase{}, fmt.Errorf("the sweep triggered %d and claimed %d of %d", n, claimer.claimed, o.N)
	}
	rep.ClaimMS = ms(claimer.spent)
	rep.ClaimPerS = float64(o.N) / claimer.spent.Seconds()
	ph, err := measure(ctx, o, p.dbURL, "sweep", due, published)
	ph.PeakPushes = p.peak.Load()
	ph.HandlerMS = p.handlerMS()
	return ph, err
}

// jobsPhase: every task's Cloud Scheduler job fires at the same instant; each publishes the
// task's message, and runtask reads the fire from the task's next run.
func jobsPhase(ctx context.Context, o options, emu *pubsubtest.Emulator, srv *server, _ *report) (phase, error) {
	p, err := newPipeline(ctx, o, emu, srv, "bench-jobs")
	if err != nil {
		return phase{}, err
	}
	defer p.close()
	due := time.Now().Add(2 * time.Second).Truncate(time.Millisecond)
	if err := seed(ctx, p.store, p.dbURL, o, due); err != nil {
		return phase{}, err
	}
	tasks, err := p.store.TasksWithJobs(ctx)
	if err != nil {
		return phase{}, err
	}
	msgs := make(chan []byte, len(tasks))
	for _, t := range tasks {
		b, _ := json.Marshal(event.RunTask{Version: event.Version, TaskID: t.ID, UserID: t.UserID})
		msgs <- b
	}
	close(msgs)
	time.Sleep(time.Until(due))
	var wg sync.WaitGroup
	errs := make(chan error, o.Publishers)
	for range o.Publishers {
		wg.Go(func() {
			for b := range msgs {
				if err := p.pub.Publish(ctx, event.TopicRunTask, b); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	published := time.Since(due)
	close(errs)
	if err := <-errs; err != nil {
		return phase{}, err
	}
	ph, err := measure(ctx, o, p.dbURL, "jobs", due, published)
	ph.PeakPushes = p.peak.Load()
	ph.HandlerMS = p.handlerMS()
	return ph, err
}

// measure waits for every task's run and reads the figures.
// busConns is the bus path's pool: -conns, else torale dev's default (platform.DevDBConns).
func (o options) busConns() int { return cmp.Or(o.Conns, platform.DevDBConns()) }

// emulatorConns is the emulator paths' pool: -conns, else a function's default.
func (o options) emulatorConns() int { return cmp.Or(o.Conns, platform.FunctionDBConns) }

func measure(ctx context.Context, o options, dbURL, name string, due time.Time, published time.Duration) (phase, error) {
	deadline := time.Now().Add(o.Timeout)
	for {
		f, err := benchdb.Read(ctx, dbURL, due)
		if err != nil {
			return phase{}, err
		}
		if f.Runs >= o.N {
			total := f.LastEnd.Sub(due)
			if f.Executions != o.N || f.Tasks != o.N {
				return phase{}, fmt.Errorf("%d executions for %d tasks: not one each", f.Executions, f.Tasks)
			}
			return phase{Name: name, Runs: f.Runs, Executions: f.Executions, Seconds: total.Seconds(),
				RunsPerSec: float64(f.Runs) / total.Seconds(), LagP50MS: ms(f.LagP50), LagP99MS: ms(f.LagP99),
				LagMaxMS: ms(f.LagMax), PublishSeconds: published.Seconds()}, nil
		}
		if time.Now().After(deadline) {
			return phase{}, fmt.Errorf("only %d of %d runs finished within %s", f.Runs, o.N, o.Timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func benchdbCreate(ctx context.Context, server, prefix string) (string, func(), error) {
	return benchdb.Create(ctx, server, prefix)
}

func pubsubClient(ctx context.Context, emu *pubsubtest.Emulator, project string) (*pubsub.Client, error) {
	opts, err := emu.ClientOptions()
	if err != nil {
		return nil, err
	}
	return pubsub.NewClient(ctx, project, opts...)
}
