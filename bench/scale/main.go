// Command scale measures what a user's requests and the tick's passes cost as the data grows
// (issue 16): it seeds a baseline database (SCALE 1k: 1,000 tasks of 10 users, 10,000 runs,
// 2,000 deliveries) and one at the chosen scale (10k, or 100k: 100,000 tasks of 1,000 users,
// 1,000,000 runs, 200,000 deliveries), every user owning the same share, and prints each
// figure at both scales side by side: the API's task list, task get, run list and
// notifications p50/p99 (the real API handler over HTTP on loopback), the sweep's claim rate,
// reconcile's reads, one retention batch, a run with its trail (GET /executions/{id}), one
// findings retention batch and the database size. bench/scale.sh runs it against
// a throwaway PostgreSQL.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/bench/apiserver"
	"github.com/torale-ai/torale/bench/benchdb"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
)

func main() {
	scale := flag.String("scale", envOr("SCALE", "10k"), "the scale to measure beside the 1k baseline: 10k or 100k (env SCALE)")
	requests := flag.Int("n", 400, "timed requests per API figure")
	c := flag.Int("c", 8, "requests in flight at once")
	flag.Parse()
	sz, ok := scales[*scale]
	if !ok || *requests < 100 || *c < 1 {
		fmt.Fprintln(os.Stderr, "scale: -scale must be 1k, 10k or 100k, -n at least 100, -c at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	server := os.Getenv("TEST_DATABASE_URL")
	var all []figures
	for _, s := range []size{scales["1k"], sz} {
		fmt.Fprintf(os.Stderr, "scale %s: seeding %d tasks, %d runs, %d deliveries\n", s.Name, s.Tasks, s.Executions, s.Deliveries)
		f, err := measureScale(ctx, server, s, *requests, *c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "scale %s: %v\n", s.Name, err)
			os.Exit(1)
		}
		all = append(all, f)
	}
	report(os.Stdout, all[0], all[1])
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// measureScale seeds a fresh database at sz and measures it.
func measureScale(ctx context.Context, server string, sz size, requests, c int) (figures, error) {
	f := figures{Size: sz}
	dbURL, drop, err := benchdb.Create(ctx, server, "scale")
	if err != nil {
		return f, err
	}
	defer drop()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return f, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	start := time.Now()
	if err := seed(ctx, conn, sz); err != nil {
		return f, err
	}
	f.Seed = time.Since(start)
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: int32(2 * c)})
	if err != nil {
		return f, err
	}
	defer st.Close()
	cs, err := callers(ctx, st, conn, 8)
	if err != nil {
		return f, fmt.Errorf("preparing callers: %w", err)
	}
	srv, err := apiserver.Serve(ctx, dbURL, st, logging.New(os.Stderr, logging.FormatJSON, "error"), apiserver.Options{})
	if err != nil {
		return f, err
	}
	defer srv.Close()
	task := func(i int, cl caller) string { return cl.tasks[(i/len(cl.tasks))%len(cl.tasks)].String() }
	for _, p := range []struct {
		into *latency
		path func(i int, cl caller) string
	}{
		{&f.List, func(int, caller) string { return "/api/v1/tasks?limit=50" }},
		{&f.Get, func(i int, cl caller) string { return "/api/v1/tasks/" + task(i, cl) }},
		{&f.Runs, func(i int, cl caller) string { return "/api/v1/tasks/" + task(i, cl) + "/executions" }},
		{&f.Inbox, func(int, caller) string { return "/api/v1/notifications" }},
		{&f.Steps, func(i int, cl caller) string {
			return "/api/v1/executions/" + cl.runs[(i/len(cl.runs))%len(cl.runs)].String()
		}},
	} {
		if *p.into, err = load(ctx, srv.URL, cs, requests, c, p.path); err != nil {
			return f, err
		}
	}
	if f.ReconcileReads, err = reconcileReads(ctx, st); err != nil {
		return f, fmt.Errorf("reconcile reads: %w", err)
	}
	if f.ClaimRate, err = claimRate(ctx, st); err != nil {
		return f, fmt.Errorf("claim: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM findings`).Scan(&f.Findings); err != nil {
		return f, err
	}
	// Findings first: the runs' retention takes their steps with them, not their findings.
	if f.FindingsBatch, f.FindingsDeleted, err = findingsBatches(ctx, st, 5); err != nil {
		return f, fmt.Errorf("findings retention: %w", err)
	}
	if f.RetentionBatch, f.RetentionDeleted, err = retentionBatches(ctx, st, 5); err != nil {
		return f, fmt.Errorf("retention: %w", err)
	}
	err = conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&f.DatabaseBytes)
	return f, err
}

// report prints each figure at the baseline and at the scale, and their ratio.
func report(w io.Writer, base, big figures) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\t%s\t%s\tratio\t\n", base.Size.Name, big.Size.Name)
	row := func(name string, a, b float64, unit string) {
		fmt.Fprintf(tw, "%s\t%.2f %s\t%.2f %s\t%.2f\t\n", name, a, unit, b, unit, b/a)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	row("tasks", float64(base.Size.Tasks), float64(big.Size.Tasks), "")
	row("runs", float64(base.Size.Executions), float64(big.Size.Executions), "")
	row("seed", base.Seed.Seconds(), big.Seed.Seconds(), "s")
	for _, l := range []struct {
		name string
		a, b latency
	}{{"GET /tasks", base.List, big.List}, {"GET /tasks/{id}", base.Get, big.Get},
		{"GET /tasks/{id}/executions", base.Runs, big.Runs}, {"GET /notifications", base.Inbox, big.Inbox},
		{"GET /executions/{id} (steps)", base.Steps, big.Steps}} {
		row(l.name+" p50", ms(l.a.P50), ms(l.b.P50), "ms")
		row(l.name+" p99", ms(l.a.P99), ms(l.b.P99), "ms")
	}
	row("claim (batches of 500)", base.ClaimRate, big.ClaimRate, "tasks/s")
	row("reconcile reads", ms(base.ReconcileReads), ms(big.ReconcileReads), "ms")
	row("retention batch (1,000 runs)", ms(base.RetentionBatch), ms(big.RetentionBatch), "ms")
	row("findings", float64(base.Findings), float64(big.Findings), "")
	row("findings retention batch (1,000)", ms(base.FindingsBatch), ms(big.FindingsBatch), "ms")
	row("database size", float64(base.DatabaseBytes)/(1<<20), float64(big.DatabaseBytes)/(1<<20), "MiB")
	_ = tw.Flush()
	fmt.Fprintf(w, "retention deleted %d and %d runs in 5 batches\n", base.RetentionDeleted, big.RetentionDeleted)
	fmt.Fprintf(w, "findings retention deleted %d and %d findings in 5 batches\n", base.FindingsDeleted, big.FindingsDeleted)
}
