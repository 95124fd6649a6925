package platform

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"cloud.google.com/go/compute/metadata"
	scheduler "cloud.google.com/go/scheduler/apiv1"

	"github.com/torale-ai/torale/platform/agentservice"
	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/oidc"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/cloudsql"
	"github.com/torale-ai/torale/shared/task"
)

// Cloud is the functions server as a Cloud Run service runs it: the functions Target selects,
// assembled from only what they need, on Torale's own Server.
type Cloud struct {
	Config config.Config
	// Target is FUNCTION_TARGET: the one function to serve at every path; empty serves each at
	// /<name>.
	Target string
	// Host is the address to listen on (HOST; empty is every interface); Config.Port the port.
	Host string
	// Grace is how long shutdown may take in all (default 9s: Cloud Run kills an instance 10s
	// after SIGTERM). The last 2s of it are for handing back work that could not finish.
	Grace time.Duration
	Log   *slog.Logger
}

// Run serves until ctx ends (SIGTERM), then shuts down in order: the server (Server.Serve),
// then background work and the in-process bus, then the Pub/Sub and Cloud Scheduler clients,
// and the store last.
func (c Cloud) Run(ctx context.Context) error {
	fns, err := ParseFunction(c.Target)
	if err != nil {
		return err
	}
	if c.Target == string(FunctionAgent) {
		// The agent's service alone, as its own binary (functions/cmd/functions-agent) serves it.
		return agentservice.Service{Config: c.Config, Host: c.Host, Grace: c.Grace, Log: c.Log}.Run(ctx)
	}
	c.Grace = serve.Grace(c.Grace, c.Config.Cloud.ShutdownGrace)
	cfg, log := c.Config, c.Log
	need := partsFor(fns, cfg.Cloud.PubSubProject == "")
	d := Deps{Config: cfg, Functions: fns, Log: log}
	check := &schemaCheck{}
	if need.store {
		if d.Store, check, err = openStore(ctx, cfg); err != nil {
			return err
		}
		defer d.Store.Close()
		defer check.stop() // before the store closes, on every way out
	}
	// The platform is assembled while the schema check makes the first connection; nothing is
	// served until the check has passed, and its failure is the one reported.
	p, auth, closeClients, err := c.assemble(ctx, need, &d, fns)
	defer closeClients()
	if cerr := check.wait(); cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	if c.Target == "" && d.Bus != nil && p.Runner != nil {
		// Serving every function on its in-process bus (a local run), this process is its
		// database's only runner: runs begun before it are dead, and fires claimed but not
		// started are triggered now.
		if err := p.Runner.RecoverAtStart(ctx, p.now()); err != nil {
			return fmt.Errorf("recovering unfinished runs: %w", err)
		}
	}
	srv := c.server(p, p.serve(fns, cfg, auth, log))
	ln, err := serve.Listen(ctx, c.Host, cfg.Port)
	if err != nil {
		return err
	}
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	if c.Target == "" && p.Reconciler != nil {
		background.Go(func() { reconcileOnStart(bg, p, log) })
	}
	workerDone := c.startWorker(ctx, p, d, fns)
	log.Info("serving functions", slog.String("addr", ln.Addr().String()), slog.String("target", c.Target))
	err = srv.Serve(ctx, ln)
	if werr := <-workerDone; werr != nil && err == nil {
		err = werr
	}
	stopBackground()
	background.Wait()
	if d.Bus != nil {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		d.Bus.Close(bctx)
		cancel()
	}
	return err
}

// startWorker starts the deep-run worker when fns has it and messages go through Pub/Sub (on
// the in-process bus, the bus itself carries deep runs to the runner). It stops with ctx, and
// the channel yields its error once every message it held is settled.
func (c Cloud) startWorker(ctx context.Context, p *Platform, d Deps, fns []Function) <-chan error {
	done := make(chan error, 1)
	ps, ok := d.Publisher.(*event.PubSub)
	if !slices.Contains(fns, FunctionWorker) || !ok {
		done <- nil
		return done
	}
	cfg := runnerConfig(d, task.Rules{MinInterval: d.Config.MinInterval})
	w := Worker{Sub: ps.Subscriber(c.Config.Cloud.DeepRunSubscription), Gate: p.DeepGate,
		Concurrency: c.Config.Cloud.WorkerConcurrency, MaxExtension: cfg.Deadline(runner.KindDeep),
		HandBackAfter: max(c.Grace-6*time.Second, 0), Log: c.Log}
	go func() {
		err := w.Run(ctx)
		if err != nil {
			c.Log.Error("the deep-run worker stopped", slog.String("error", err.Error()))
		}
		done <- err
	}()
	return done
}

// server is the Server of fns: routed like the Functions Framework, every request's log lines
// tied to its trace, writes allowed as long as the slowest function takes, and the grace split
// into the drain and the last 2s for handing back.
func (c Cloud) server(p *Platform, fns []served) serve.Server {
	tracer := logging.NewTracer(c.Config.Cloud.GCPProject, metadata.NewClient(nil))
	srv := serve.Server{Handler: tracer.Wrap(p.router(fns, c.Target != "", c.Log)), Write: serve.WriteTimeout(longest(fns)),
		Drain: c.Grace - 2*time.Second, HandBack: 2 * time.Second, Log: c.Log}
	for _, f := range fns {
		if f.stop != nil {
			srv.Stop = append(srv.Stop, f.stop)
		}
	}
	return srv
}

// assemble connects the clients need asks for, builds the platform over them and the push
// functions' token check. closeClients releases the clients, also after an error.
func (c Cloud) assemble(ctx context.Context, need parts, d *Deps, fns []Function) (p *Platform, auth push, closeClients func(), err error) {
	closeClients, err = c.connect(ctx, need, d)
	if err != nil {
		return nil, nil, closeClients, err
	}
	if p, err = New(*d); err != nil {
		return nil, nil, closeClients, err
	}
	auth, err = pushAuth(ctx, c.Config, c.Target, fns, c.Log)
	return p, auth, closeClients, err
}

// openStore connects to DATABASE_URL (through the Cloud SQL connector when an instance is
// named) and starts the check that refuses a schema this build does not match. The check makes
// the pool's first connection (no ping before it), which takes longer than anything else in a
// cold start, so it runs while the caller assembles the platform.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, *schemaCheck, error) {
	if cfg.DatabaseURL == "" {
		return nil, nil, fmt.Errorf("DATABASE_URL is not set")
	}
	opts := store.Options{MaxConns: dbConns(cfg, false), NoPing: true}
	if cfg.CloudSQLInstance != "" {
		dial, err := cloudsql.Dial(ctx, cfg.CloudSQLInstance)
		if err != nil {
			return nil, nil, err
		}
		opts.Dial = dial
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, opts)
	if err != nil {
		return nil, nil, err
	}
	// The connection is made by the check, so both are bounded.
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	check := &schemaCheck{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(check.done)
		status, err := st.Health(cctx)
		if err != nil && status == nil {
			err = fmt.Errorf("connecting to PostgreSQL: %w", err)
		}
		check.err = err
	}()
	return st, check, nil
}

// schemaCheck is the start's schema check running; the zero value is no check (a process with
// no database).
type schemaCheck struct {
	done   chan struct{}
	err    error
	cancel context.CancelFunc
}

// wait returns the check's result once it has one.
func (c *schemaCheck) wait() error {
	if c.done == nil {
		return nil
	}
	<-c.done
	c.cancel()
	return c.err
}

// stop ends the check if it still runs (the start failed elsewhere) and waits for it.
func (c *schemaCheck) stop() {
	if c.done != nil {
		c.cancel()
		<-c.done
	}
}

// connect sets d's publisher (Pub/Sub when TORALE_PUBSUB_PROJECT is set, else an in-process
// bus) and, in cloudscheduler mode, its Cloud Scheduler client, each only when need asks for
// it. closeAll releases what it made.
func (c Cloud) connect(ctx context.Context, need parts, d *Deps) (closeAll func(), err error) {
	var closers []func()
	closeAll = func() {
		for _, close := range slices.Backward(closers) {
			close()
		}
	}
	cfg, log := c.Config, c.Log
	if project := cfg.Cloud.PubSubProject; need.publisher && project != "" && c.eagerPubSub(d.Functions) {
		ps, err := event.NewPubSub(ctx, project, event.PubSubOptions{})
		if err != nil {
			return closeAll, err
		}
		closers = append(closers, func() { _ = ps.Close() })
		d.Publisher = ps
		log.Info("messages go through Pub/Sub", slog.String("project", project),
			slog.String("emulator", os.Getenv("PUBSUB_EMULATOR_HOST")))
	} else if need.publisher && project != "" {
		// Only publishing, and not to answer the health check: the client is made on first use.
		ps := newLazyPubSub(ctx, project)
		closers = append(closers, func() { _ = ps.Close() })
		d.Publisher = ps
		log.Info("messages go through Pub/Sub", slog.String("project", project),
			slog.String("emulator", os.Getenv("PUBSUB_EMULATOR_HOST")))
	} else if need.publisher {
		// Messages travel on an in-process bus, and this process serves the whole pipeline.
		d.Bus = event.NewBus(log, event.BusOptions{})
	}
	if need.jobs && cfg.Scheduler == config.SchedulerCloudSchedule {
		sc, err := scheduler.NewCloudSchedulerClient(ctx)
		if err != nil {
			closeAll()
			return func() {}, fmt.Errorf("connecting to Cloud Scheduler: %w", err)
		}
		closers = append(closers, func() { _ = sc.Close() })
		d.Jobs = sc
		log.Info("each task has a Cloud Scheduler job", slog.String("project", cfg.Cloud.GCPProject),
			slog.String("location", cfg.Cloud.SchedulerLocation))
	}
	return closeAll, nil
}

// eagerPubSub reports whether fns need the Pub/Sub client at start: the deep-run worker pulls
// from its subscription as soon as it starts, and every function at once (no target) keeps the
// start-up check of the client a local run has always had.
func (c Cloud) eagerPubSub(fns []Function) bool {
	return c.Target == "" || slices.Contains(fns, FunctionWorker)
}

// pushAuth returns the wrapper that admits only Google-signed push requests to the push
// functions (runtask, notify, tick). Misconfigured, it refuses to start a service whose target
// is one of them, and otherwise (all functions locally) refuses every push request, loudly.
// A service serving no push function needs none.
func pushAuth(ctx context.Context, cfg config.Config, target string, fns []Function, log *slog.Logger) (push, error) {
	pass := func(h http.HandlerFunc) http.HandlerFunc { return h }
	if !slices.ContainsFunc(fns, isPushFunction) {
		return pass, nil
	}
	if !cfg.Cloud.PushAuthEnabled() {
		log.Warn("TORALE_PUSH_AUTH=off: runtask, notify and tick accept unauthenticated requests; for local runs only")
		return pass, nil
	}
	if err := cfg.Cloud.CheckPushAuth(); err != nil {
		if target != "" {
			return nil, fmt.Errorf("push authentication: %w", err)
		}
		log.Error("push authentication is not configured; runtask, notify and tick refuse every request",
			slog.String("error", err.Error()))
		refuse := func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "Forbidden", http.StatusForbidden) }
		return func(http.HandlerFunc) http.HandlerFunc { return refuse }, nil
	}
	v, err := oidc.New(ctx, oidc.Config{Audiences: cfg.Cloud.PushAudience, ServiceAccounts: cfg.Cloud.PushServiceAccount, Log: log})
	if err != nil {
		return nil, err
	}
	return func(h http.HandlerFunc) http.HandlerFunc { return v.Wrap(h).ServeHTTP }, nil
}

// isPushFunction reports whether Pub/Sub or Cloud Scheduler calls the function, with an OIDC
// token.
func isPushFunction(f Function) bool {
	return f == FunctionRunTask || f == FunctionNotify || f == FunctionTick
}

// reconcileOnStart runs one reconcile pass when this server serves every function (a local
// run, which no Cloud Scheduler ticks). A tick service runs its first pass on its first tick.
func reconcileOnStart(ctx context.Context, p *Platform, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if _, err := p.Reconciler.Run(ctx); err != nil && ctx.Err() == nil {
		log.Error("reconcile on start", slog.String("error", err.Error()))
	}
}
