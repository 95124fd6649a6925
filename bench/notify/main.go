// Command notify measures webhook delivery, in one run on one machine:
//
//   - throughput: how many outbox rows a second one and two notifiers deliver to a local
//     receiver (https on loopback, verifying every signature with the Standard Webhooks library),
//     claiming from a fresh PostgreSQL database on the TEST_DATABASE_URL server, with a check
//     that each row arrived exactly once;
//   - overhead: the latency one request gains from signing and the guarded client (URL check,
//     connect-time address check, no redirects), next to a plain http.Client posting the same
//     body to the same receiver, with kept-alive connections and with a new connection per
//     request (where the connect-time check runs), alternating the two clients;
//   - the cost of signing and of the two checks on their own (testing.Benchmark);
//   - deliveries a second with one notifier for each chat and push kind (shared/chat) against
//     a local fake of its service (https, through the guard), beside the webhook in the same
//     rounds, printed as ratios to the webhook's.
//
// bench/notify.sh runs it against a throwaway PostgreSQL.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/torale-ai/torale/bench/benchdb"

	"github.com/torale-ai/torale/bench/machine"
)

// options is what one run measures, parsed once in main.
type options struct {
	// Deliveries is how many outbox rows each throughput trial delivers (-n, default 2000).
	Deliveries int
	// Trials is how many throughput trials run for each notifier count (-trials, default 3).
	Trials int
	// Requests is how many requests each latency round sends per client (-requests, 200).
	Requests int
	// Rounds is how many latency rounds alternate the two clients (-rounds, default 10).
	Rounds int
	// JSON prints the report as JSON (-json).
	JSON bool
	// ServerURL is the PostgreSQL server (TEST_DATABASE_URL).
	ServerURL string
}

func main() {
	opts := options{ServerURL: os.Getenv("TEST_DATABASE_URL")}
	flag.IntVar(&opts.Deliveries, "n", 2000, "outbox rows per throughput trial")
	flag.IntVar(&opts.Trials, "trials", 3, "throughput trials per notifier count")
	flag.IntVar(&opts.Requests, "requests", 200, "requests per client per latency round")
	flag.IntVar(&opts.Rounds, "rounds", 10, "latency rounds, alternating the clients")
	flag.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "notify bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opts options) error {
	if opts.ServerURL == "" {
		return fmt.Errorf("TEST_DATABASE_URL is not set; run bench/notify.sh, which starts a throwaway PostgreSQL")
	}
	if opts.Deliveries < 1 || opts.Trials < 1 || opts.Requests < 1 || opts.Rounds < 1 {
		return fmt.Errorf("-n, -trials, -requests and -rounds must be positive")
	}
	rep := newReport(opts)
	recv, err := startReceiver()
	if err != nil {
		return err
	}
	defer recv.close()

	fmt.Fprintln(os.Stderr, "measuring signing and checks alone…")
	rep.Micro = micro(recv)

	fmt.Fprintln(os.Stderr, "measuring added latency…")
	rep.Latency, err = latency(ctx, recv, opts)
	if err != nil {
		return err
	}

	dbURL, drop, err := benchdb.Create(ctx, opts.ServerURL, "notify")
	if err != nil {
		return err
	}
	defer drop()
	fmt.Fprintln(os.Stderr, "measuring throughput…")
	rep.Throughput, err = throughput(ctx, dbURL, recv, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "measuring each chat kind beside the webhook…")
	rep.Channels, err = channelThroughput(ctx, dbURL, recv, opts)
	if err != nil {
		return err
	}
	rep.LoadAfter = machine.LoadAvg()
	return rep.write(os.Stdout, opts.JSON)
}

// since is the wall time from t, the only clock the bench reads for its figures.
func since(t time.Time) time.Duration { return time.Since(t) }
