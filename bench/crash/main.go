//go:build linux

// Command crash checks that a runtask process killed with SIGKILL at random points loses and
// duplicates nothing. It seeds tasks due now, publishes their run-task messages (half as Cloud
// Scheduler jobs send them, half as the sweep does) to the real Pub/Sub emulator, which pushes
// them to a runtask child process; it kills the child at random moments and restarts it, until
// every run has finished. Then one reconcile pass republishes notifications whose message died
// with a child, and it counts rows: one successful execution per task, one outbox row per
// channel, and every outbox row's notify message received. bench/crash.sh runs it against a
// throwaway PostgreSQL; it exits 1 when an invariant fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/store"
)

type options struct {
	Runs    int           // -runs, tasks due (default 20)
	Kills   int           // -kills, most kills (default 12)
	Timeout time.Duration // -timeout, longest wait for every run (default 5m)
	JSON    bool
	// ChildLog is a file the runtask processes log to (-childlog), for looking into a failure.
	ChildLog string
}

func main() {
	if os.Getenv(childEnv) != "" {
		if err := child(); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.Runs, "runs", 20, "tasks due at once")
	flag.IntVar(&o.Kills, "kills", 12, "most times to kill the runtask process")
	flag.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "longest wait for every run to finish")
	flag.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	flag.StringVar(&o.ChildLog, "childlog", "", "file the runtask processes log to")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, o, os.Stderr)
	if rep != nil {
		printReport(os.Stdout, rep, o.JSON)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

// report is what the run found.
type report struct {
	Runs          int      `json:"runs"`
	Kills         int      `json:"kills"`
	KilledMidRun  int      `json:"killed_mid_run"` // kills while an attempt was running
	Executions    int      `json:"executions"`
	Succeeded     int      `json:"succeeded"`
	Attempts      int      `json:"attempts"`
	Lost          int      `json:"lost"`       // tasks without a successful run
	Duplicate     int      `json:"duplicate"`  // executions beyond one per task
	Deliveries    int      `json:"deliveries"` // outbox rows
	DupDeliveries int      `json:"duplicate_deliveries"`
	Republished   int      `json:"republished_by_reconcile"`
	Notified      int      `json:"notified"`      // distinct delivery ids received on notify
	NotifyCopies  int      `json:"notify_copies"` // notify messages received in all
	Seconds       float64  `json:"seconds"`
	Failures      []string `json:"failures"`
}

func run(ctx context.Context, o options, progress io.Writer) (*report, error) {
	start := time.Now()
	rep := &report{Runs: o.Runs, Failures: []string{}}
	dbURL, drop, err := benchdb.Create(ctx, os.Getenv("TEST_DATABASE_URL"), "crash")
	if err != nil {
		return nil, err
	}
	defer drop()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	user, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:crash"})
	if err != nil {
		return nil, err
	}
	due := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	if err := benchdb.Seed(ctx, dbURL, user.ID, o.Runs, due); err != nil {
		return nil, err
	}

	emu, err := pubsubtest.Start(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = emu.Stop() }() // the emulator's exit status says nothing about the run
	const project = "crash"
	counter, notifyURL, err := serveNotifyCounter()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	pub, err := setupTopics(ctx, emu, project, "http://127.0.0.1:"+port+"/projects/"+project+"/topics/run-task", notifyURL)
	if err != nil {
		return nil, err
	}
	defer pub.Close()

	c := &childProc{env: append(os.Environ(), childEnv+"=1", "DATABASE_URL="+dbURL, "PORT="+port,
		"PUBSUB_EMULATOR_HOST="+emu.Host, "TORALE_PUBSUB_PROJECT="+project), log: progress, out: io.Discard}
	if o.ChildLog != "" {
		f, err := os.Create(o.ChildLog)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		c.out = f
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	defer c.stop()

	tasks, err := st.TasksWithJobs(ctx)
	if err != nil {
		return nil, err
	}
	for i, t := range tasks {
		m := event.RunTask{Version: event.Version, TaskID: t.ID, UserID: t.UserID}
		if i%2 == 1 {
			m.ScheduledFor = t.NextRunAt
		}
		if err := event.PublishJSON(ctx, pub, event.TopicRunTask, m); err != nil {
			return nil, err
		}
	}

	// Kill the child at random moments while runs are under way, restarting it each time.
	deadline := time.Now().Add(o.Timeout)
	for {
		done, err := benchdb.Count(ctx, dbURL, `SELECT count(*) FROM executions WHERE status = 'success'`)
		if err != nil {
			return nil, err
		}
		if done >= o.Runs {
			break
		}
		if time.Now().After(deadline) {
			return rep, fmt.Errorf("only %d of %d runs finished within %s", done, o.Runs, o.Timeout)
		}
		time.Sleep(time.Duration(100+rand.IntN(600)) * time.Millisecond)
		if rep.Kills >= o.Kills {
			continue
		}
		running, err := benchdb.Count(ctx, dbURL, `SELECT count(*) FROM executions WHERE status = 'running' AND deadline_at > now()`)
		if err != nil {
			return nil, err
		}
		if err := c.kill(); err != nil {
			return nil, err
		}
		rep.Kills++
		if running > 0 {
			rep.KilledMidRun++
		}
		fmt.Fprintf(progress, "kill %d: %d of %d runs done, %d attempts were running\n", rep.Kills, done, o.Runs, running)
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		if err := c.start(); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(progress, "every run finished after %s; reconciling\n", time.Since(start).Round(time.Second))

	// The tick's reconcile pass, once the outbox grace has passed.
	later := func() time.Time { return time.Now().Add(3 * time.Minute) }
	rec := reconcile.New(st, nil, pub, later, logging.Discard(), reconcile.Config{})
	rr, err := rec.Run(ctx)
	if err != nil {
		return rep, err
	}
	rep.Republished = rr.NotificationsRepublished
	if err := count(ctx, dbURL, rep); err != nil {
		return rep, err
	}
	for !counter.all(rep.Deliveries) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	rep.Notified, rep.NotifyCopies = counter.counts()
	rep.Seconds = time.Since(start).Seconds()
	check(rep)
	if len(rep.Failures) > 0 {
		return rep, errors.New("invariants failed")
	}
	return rep, nil
}

// count reads the rows the invariants are about.
func count(ctx context.Context, dbURL string, rep *report) error {
	var err error
	get := func(dst *int, sql string) {
		if err == nil {
			*dst, err = benchdb.Count(ctx, dbURL, sql)
		}
	}
	get(&rep.Executions, `SELECT count(*) FROM executions`)
	get(&rep.Succeeded, `SELECT count(*) FROM executions WHERE status = 'success'`)
	get(&rep.Attempts, `SELECT COALESCE(sum(attempt), 0)::int FROM executions`)
	get(&rep.Lost, `SELECT count(*) FROM tasks t WHERE NOT EXISTS
		(SELECT 1 FROM executions e WHERE e.task_id = t.id AND e.status = 'success')`)
	get(&rep.Duplicate, `SELECT COALESCE(sum(n - 1), 0)::int FROM (SELECT count(*) n FROM executions GROUP BY task_id) c`)
	get(&rep.Deliveries, `SELECT count(*) FROM notification_deliveries`)
	get(&rep.DupDeliveries, `SELECT COALESCE(sum(n - 1), 0)::int FROM
		(SELECT count(*) n FROM notification_deliveries GROUP BY execution_id, channel) c`)
	return err
}

func check(rep *report) {
	fail := func(ok bool, format string, args ...any) {
		if !ok {
			rep.Failures = append(rep.Failures, fmt.Sprintf(format, args...))
		}
	}
	fail(rep.Lost == 0, "%d tasks have no successful run", rep.Lost)
	fail(rep.Duplicate == 0, "%d duplicate executions", rep.Duplicate)
	fail(rep.Executions == rep.Runs && rep.Succeeded == rep.Runs, "%d executions, %d successful, for %d tasks", rep.Executions, rep.Succeeded, rep.Runs)
	fail(rep.Deliveries == 2*rep.Runs, "%d outbox rows for %d runs of two channels", rep.Deliveries, rep.Runs)
	fail(rep.DupDeliveries == 0, "%d duplicate outbox rows", rep.DupDeliveries)
	fail(rep.Notified == rep.Deliveries, "notify messages reached %d of %d outbox rows", rep.Notified, rep.Deliveries)
}

func printReport(w io.Writer, rep *report, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return
	}
	fmt.Fprintf(w, "\n%d runs, runtask killed %d times (%d while an attempt was running), %.0f s\n", rep.Runs, rep.Kills, rep.KilledMidRun, rep.Seconds)
	fmt.Fprintf(w, "executions %d (successful %d, attempts %d): lost %d, duplicate %d\n", rep.Executions, rep.Succeeded, rep.Attempts, rep.Lost, rep.Duplicate)
	fmt.Fprintf(w, "outbox rows %d: duplicate %d; republished by reconcile %d; notified %d (%d copies received)\n",
		rep.Deliveries, rep.DupDeliveries, rep.Republished, rep.Notified, rep.NotifyCopies)
	for _, f := range rep.Failures {
		fmt.Fprintln(w, "FAIL:", f)
	}
}

// childProc is the runtask process under test.
type childProc struct {
	env []string
	log io.Writer
	out io.Writer // the child's output (-childlog), else discarded
	cmd *exec.Cmd
}

func (c *childProc) start() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	c.cmd = exec.Command(self)
	c.cmd.Env, c.cmd.Stdout, c.cmd.Stderr = c.env, c.out, c.out
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("starting runtask: %w", err)
	}
	return nil
}

// kill sends SIGKILL to the child by its pid and reaps it.
func (c *childProc) kill() error {
	if err := syscall.Kill(c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return err
	}
	_ = c.cmd.Wait()
	return nil
}

func (c *childProc) stop() {
	if c.cmd != nil && c.cmd.ProcessState == nil {
		_ = c.kill()
	}
}

// notifyCounter counts notify messages by delivery id.
type notifyCounter struct {
	mu   sync.Mutex
	seen map[uuid.UUID]int
}

func (n *notifyCounter) HandleMessage(_ context.Context, data []byte) error {
	m, err := event.DecodeNotify(data)
	if err != nil {
		return nil //nolint:nilerr // a malformed message is acked and not counted, as the notify function does
	}
	n.mu.Lock()
	n.seen[m.DeliveryID]++
	n.mu.Unlock()
	return nil
}

func (n *notifyCounter) counts() (distinct, copies int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range n.seen {
		copies += c
	}
	return len(n.seen), copies
}

func (n *notifyCounter) all(want int) bool {
	d, _ := n.counts()
	return d >= want
}

func serveNotifyCounter() (*notifyCounter, string, error) {
	n := &notifyCounter{seen: map[uuid.UUID]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	go func() { _ = http.Serve(ln, runtask.New(n, runtask.Config{})) }()
	return n, "http://" + ln.Addr().String() + "/projects/crash/topics/notify", nil
}

func setupTopics(ctx context.Context, emu *pubsubtest.Emulator, project, runtaskURL, notifyURL string) (*event.PubSub, error) {
	opts, err := emu.ClientOptions()
	if err != nil {
		return nil, err
	}
	pub, err := event.NewPubSub(ctx, project, event.PubSubOptions{Client: opts})
	if err != nil {
		return nil, err
	}
	admin, err := pubsubClient(ctx, emu, project)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	for _, p := range []pubsubtest.Push{
		{Project: project, Topic: event.TopicRunTask, Subscription: "runtask", Endpoint: runtaskURL},
		{Project: project, Topic: event.TopicNotify, Subscription: "notify", Endpoint: notifyURL},
	} {
		if err := pubsubtest.CreatePush(ctx, admin, p); err != nil {
			return nil, err
		}
	}
	return pub, nil
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
