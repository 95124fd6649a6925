package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/localpg"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/web"
)

// Local describes a whole Torale on one machine: torale dev, and end-to-end tests.
type Local struct {
	// Addr is where the API listens; it must be a loopback address (dev users are
	// authenticated by a header). Port 0 picks a free port.
	Addr string
	// DataDir holds the private PostgreSQL when Config.DatabaseURL is empty.
	DataDir string
	Config  config.Config
	// Agent replaces the configured agent (tests pass a scripted one).
	Agent agent.Agent
	// Grounding replaces the grounding link resolver (tests point it at a local redirector).
	Grounding *grounding.Resolver
	// Pages replaces the page reader (tests read local pages under the production policy).
	Pages *page.Reader
	// Tick is how often the sweep and the notifier look for due work (default 1s).
	Tick time.Duration
	// Grace is how long in-flight runs may take to finish at shutdown (default 30s); runs still
	// going after it are recorded as interrupted and run again on the next start.
	Grace time.Duration
	Log   *slog.Logger
	// Ready is called with the base URL once the platform serves.
	Ready func(url string)
}

// ErrNotLoopback is returned when Local.Addr would expose dev authentication to a network.
var ErrNotLoopback = errors.New("torale dev authenticates users by a header, so it only listens on a loopback address such as 127.0.0.1:8080")

// Run starts the database (unless Config.DatabaseURL is set), migrates it, serves the API and
// runs the sweep, runner and notifier in-process until ctx ends, then shuts down in order.
func (l Local) Run(ctx context.Context) error {
	if err := checkLoopback(l.Addr); err != nil {
		return err
	}
	if l.Tick <= 0 {
		l.Tick = time.Second
	}
	if l.Grace <= 0 {
		l.Grace = 30 * time.Second
	}
	url := l.Config.DatabaseURL
	if url == "" {
		pg, err := localpg.Start(ctx, filepath.Join(l.DataDir, "postgres"))
		if err != nil {
			return err
		}
		defer func() {
			if err := pg.Stop(); err != nil {
				l.Log.Error("stopping PostgreSQL", slog.String("error", err.Error()))
			}
		}()
		url = pg.URL()
		l.Log.Info("PostgreSQL is running", slog.String("data_dir", filepath.Join(l.DataDir, "postgres")))
	}
	st, err := store.Open(ctx, url, store.Options{MaxConns: dbConns(l.Config, true)})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.MigrateUp(); err != nil {
		return err
	}
	if err := makeDevAdmin(ctx, st); err != nil {
		return err
	}
	return l.serve(ctx, st)
}

// makeDevAdmin makes the default dev user (the one a request without X-Torale-Dev-User acts
// as, and so the dashboard's) an admin, so the admin console works locally. Other header-named
// users stay plain users, so both sides can be tried.
func makeDevAdmin(ctx context.Context, st *store.Store) error {
	u, err := st.EnsureUser(ctx, auth.DevIdentity(auth.DefaultDevUser))
	if err != nil {
		return fmt.Errorf("creating the dev user: %w", err)
	}
	if u.Role == store.RoleAdmin {
		return nil
	}
	if err := st.SetUserRole(ctx, u.ID, store.RoleAdmin); err != nil {
		return fmt.Errorf("making the dev user an admin: %w", err)
	}
	return nil
}

func (l Local) serve(ctx context.Context, st *store.Store) error {
	bus := event.NewBus(l.Log, event.BusOptions{})
	// A watch in torale dev may read a page served on this machine (the README's quick start).
	l.Config.Agent.PageAllowPrivate = true
	l.Log.Warn("torale dev: the pages watches list may be read from loopback and private addresses (TORALE_PAGE_ALLOW_PRIVATE=true)")
	deps, err := l.notifyDeps()
	if err != nil {
		return err
	}
	deps.Config, deps.Store, deps.Bus, deps.Agent, deps.DevAuth, deps.Log = l.Config, st, bus, l.Agent, true, l.Log
	deps.Grounding = l.Grounding
	deps.Pages = l.Pages
	p, err := New(deps)
	if err != nil {
		return err
	}
	// This process is its database's only runner: runs begun before it are dead, and fires
	// claimed but not started are triggered now, not when a lease runs out.
	if err := p.Runner.RecoverAtStart(ctx, p.now()); err != nil {
		return fmt.Errorf("recovering unfinished runs: %w", err)
	}
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", l.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", l.Addr, err)
	}
	bg, stopBackground := context.WithCancel(ctx)
	background := make(chan struct{})
	go func() { p.Background(bg, l.Tick); close(background) }()
	if l.Ready != nil {
		l.Ready("http://" + ln.Addr().String())
	}
	err = l.server(web.WithDashboard(p.API)).Serve(ctx, ln)
	l.Log.Info("letting runs in progress finish", slog.Duration("grace", l.Grace))
	stopBackground()
	<-background
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Grace)
	defer cancel()
	bus.Close(sctx)
	return err
}

// server is the Server of the local API: writes allowed as long as its slowest request (a
// preview waits for the agent, up to TORALE_AGENT_TIMEOUT), the other timeouts Server's
// defaults. The API's requests are short at shutdown; the runs on the bus get the grace to
// finish (bus.Close).
func (l Local) server(api http.Handler) serve.Server {
	return serve.Server{Handler: api, Write: serve.WriteTimeout(apiTimeout(l.Config.AgentTimeout)), Drain: l.Grace, Log: l.Log}
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not host:port: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w (got %q)", ErrNotLoopback, addr)
	}
	return nil
}
