// Package platform is Torale's composition root: it sits above functions/ and shared/ and
// assembles, for one process, the services the process's functions need (the API, the gate and
// runner, the notifier, the sweeper and reconciler, the agent) over the store and the
// publisher. The functions server (Serve) and torale dev (Local) both build on it, so the local
// platform runs exactly the cloud's code.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/account"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/alert"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/budget"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
	"github.com/torale-ai/torale/shared/webhook"
)

// Deps are the parts a platform is built from; the caller owns their lifetimes.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Bus    *event.Bus
	// Publisher, when set (Pub/Sub), carries messages instead of Bus, and nothing is subscribed
	// here: push subscriptions deliver to the functions.
	Publisher event.Publisher
	// Jobs is the Cloud Scheduler API; required with TORALE_SCHEDULER=cloudscheduler.
	Jobs  schedule.JobClient
	Agent agent.Agent
	// Grounding resolves Gemini's grounding redirect links among sources (default: Google's
	// redirect host, through the production SSRF policy); tests name their own redirector.
	Grounding *grounding.Resolver
	// Pages reads the pages watches list (default: a reader through the SSRF guard with
	// TORALE_PAGE_ALLOW_PRIVATE); tests name their own guard.
	Pages *page.Reader
	// DevAuth lets requests without a token act as header-named local users (torale dev only).
	DevAuth bool
	Senders map[task.ChannelType]outbox.Sender
	// Mailer sends email instead of TORALE_SMTP_URL's server (torale dev: the local mailbox).
	Mailer email.Mailer
	// Mailbox is served at GET /api/v1/dev/mailbox when DevAuth is on.
	Mailbox *email.Mailbox
	// Functions are the functions this process serves; it builds only what they need (parts.go).
	// Nil is every function.
	Functions []Function
	// Limits replace the API's per-user rate limits (zero: api.DefaultLimits); benchmarks raise them.
	Limits api.Limits
	Now    func() time.Time
	Log    *slog.Logger
}

// Platform is the services of one process; those its functions do not need are nil.
type Platform struct {
	// Agent decides runs in this process; the agent function serves it. Nil in a service that
	// decides nothing itself (its runs call TORALE_AGENT_URL, or it runs none).
	Agent   agent.Agent
	Watch   *watch.Service
	Runner  *runner.Runner
	Sweeper *schedule.Sweeper
	// Gate stands between run-task messages and the runner: runtask and the bus call it.
	Gate *schedule.Gate
	// DeepGate is the gate of the deep-run worker: it runs the deep runs Gate handed over.
	DeepGate *schedule.Gate
	// Reconciler makes the world match the database (scheduling.go).
	Reconciler *reconcile.Reconciler
	Notifier   *outbox.Notifier
	// Alerts tell owners when a watch breaks and recovers (runs, the tick, webhook sends).
	Alerts    *alert.Service
	Webhooks  *webhook.Service
	Verifier  *email.Verifier
	API       *api.API
	store     *store.Store
	bus       event.Publisher
	notifyAPI api.Notify
	feedsAPI  api.Feeds
	mailer    email.Mailer
	now       func() time.Time
	// retention is how long quiet runs are kept (TORALE_EXECUTION_RETENTION); 0 keeps them.
	retention time.Duration
	// findingsRetention is how long unseen findings are kept (TORALE_FINDINGS_RETENTION); 0
	// keeps them.
	findingsRetention time.Duration
	log               *slog.Logger
}

// New builds the services the functions in d.Functions need and, without Pub/Sub, subscribes
// the runner and notifier to the bus.
func New(d Deps) (*Platform, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Functions == nil {
		d.Functions = AllFunctions()
	}
	need := partsFor(d.Functions, d.Publisher == nil)
	// One page reader serves the process, made when first needed: change-mode runs and the
	// agent's reads share its robots.txt cache and connections.
	pages := sync.OnceValue(func() *page.Reader {
		if d.Pages != nil {
			return d.Pages
		}
		return page.NewReader(netguard.New(page.GuardOptions(d.Config.Agent.PageAllowPrivate)), page.Options{})
	})
	// The agent this process decides with, and the one runs and previews call (the agent
	// function when TORALE_AGENT_URL is set); see agent.go.
	local, calls, err := newAgents(d, need, pages)
	if err != nil {
		return nil, err
	}
	p := &Platform{Agent: local, store: d.Store, now: d.Now, retention: d.Config.ExecutionRetention,
		findingsRetention: d.Config.FindingsRetention, log: d.Log}
	if !need.store {
		return p, nil
	}
	rules := task.Rules{MinInterval: d.Config.MinInterval}
	sched, err := newScheduling(d, need)
	if err != nil {
		return nil, err
	}
	p.bus = sched.pub
	p.Alerts = alert.New(d.Store, sched.runnerPub, d.Now, d.Log, alert.Config{AfterFailures: d.Config.Alerts.AfterFailures,
		MinInterval: rules.MinInterval})
	if need.runner {
		cfg := runnerConfig(d, rules)
		cfg.AfterRun, cfg.Memory = sched.afterRun(), newMemory(d)
		cfg.Alerts, cfg.Spend = p.Alerts, budget.New(d.Store, d.Config.Alerts.MonthlySpendCapUSD, d.Now)
		// Change-mode watches read their pages here, with no model (runner/change.go).
		cfg.Pages = pages()
		cfg.Snapshots = d.Store
		p.Runner = runner.New(d.Store, calls, sched.runnerPub, d.Now, d.Log, cfg)
		p.Gate = schedule.NewGate(d.Store, p.Runner.HandleTask, d.Now, d.Log)
		p.DeepGate = schedule.NewGate(d.Store, p.Runner.RunHere, d.Now, d.Log)
	}
	if need.sweeper {
		// Every sweep (and so every tick) takes back dead runs, retrying them as the runner would.
		reapCfg := runnerConfig(d, rules)
		reapCfg.Alerts = p.Alerts // a run given up counts toward its task's failures
		reaper := runner.NewReaper(d.Store, sched.pub, d.Now, d.Log, reapCfg)
		p.Sweeper = schedule.NewSweeper(sched.claimer, sched.pub, d.Now, d.Log, schedule.SweepConfig{Reaper: reaper,
			Lease: sweepLease(runnerConfig(d, rules))})
	}
	if need.reconciler {
		p.Reconciler = sched.reconciler(d, rules)
	}
	if err := p.addNotify(d, need); err != nil {
		return nil, err
	}
	if need.api {
		if err := p.addAPI(d, sched, calls, rules); err != nil {
			return nil, err
		}
	}
	if d.Publisher == nil && p.Gate != nil && p.Notifier != nil {
		d.Bus.Subscribe(event.TopicRunTask, busRunWorkers, p.Gate.HandleMessage)
		// Deep runs get workers of their own, so a routine run never waits behind one.
		d.Bus.Subscribe(event.TopicDeepRun, 2, p.DeepGate.HandleMessage)
		d.Bus.Subscribe(event.TopicNotify, 2, p.Notifier.Enqueue)
	}
	return p, nil
}

// busRunWorkers is how many routine runs the in-process bus (torale dev) handles at once. A run
// spends its time waiting (on the model, or on the database's round trips with an instant
// agent), not on this process's CPU: with 4, 2,000 runs due at once started 2.7 s (p50) and
// 4.1 s (p99) after their due time, with 16, 1.8 s and 3.2 s (bench/dispatch.sh -phases bus).
// A run holds a database connection only for its statements, so the workers share torale dev's
// smaller pool (DevDBConns) rather than each needing one.
const busRunWorkers = 16

// runnerConfig is the run policy from the configuration: the runner's, and the reaper's that
// retries runs as the runner would.
func runnerConfig(d Deps, rules task.Rules) runner.Config {
	return runner.Config{Rules: rules, AgentTimeout: d.Config.AgentTimeout, DeepTimeout: d.Config.DeepRunTimeout,
		MaxAttempts: d.Config.MaxAttempts, HandOver: true}
}

// sweepLease hides a claimed task from other sweeps for at least as long as its longest run
// may take, so a deep run's task is not claimed again while it works; the claim also skips a
// task whose scheduled run is unfinished, which covers a run the lease does not.
func sweepLease(cfg runner.Config) time.Duration {
	return max(15*time.Minute, cfg.Deadline(runner.KindDeep))
}

// addNotify builds the notifier for the notify function and the settings services for the API.
func (p *Platform) addNotify(d Deps, need parts) error {
	if !need.notifier && !need.api {
		return nil
	}
	np, err := newNotify(d, need, p.Alerts)
	if err != nil {
		return err
	}
	if need.notifier {
		p.Notifier = outbox.New(d.Store, np.senders, d.Now, d.Log)
	}
	p.Webhooks, p.Verifier, p.notifyAPI, p.feedsAPI = np.webhooks, np.verifier, np.api, np.feeds
	p.mailer = np.mailer
	return nil
}

// addAPI builds the task service and the HTTP API over it.
func (p *Platform) addAPI(d Deps, sched scheduling, calls agent.Agent, rules task.Rules) error {
	p.Watch = watch.New(watch.Deps{Store: d.Store, Publisher: sched.pub, Trigger: sched.trigger(), Agent: calls, Now: d.Now, Rules: rules,
		Log: d.Log, MaxActive: d.Config.MaxActiveTasks, AgentTimeout: d.Config.AgentTimeout,
		Channels: NewChannels(d.Store, d.Config.Notify.WebhookAllowPrivate)})
	authn, err := newAuthenticator(d)
	if err != nil {
		return err
	}
	var admin api.Scheduler // a nil *Reconciler must stay a nil interface: the API answers 503
	if p.Reconciler != nil {
		admin = p.Reconciler
	}
	p.API = api.New(api.Deps{Watch: p.Watch, Keys: d.Store, Admin: d.Store, Auth: authn, Health: p.Health,
		AllowedOrigins: d.Config.AllowedOrigins, Now: d.Now, Log: d.Log, Notify: p.notifyAPI, Feeds: p.feedsAPI, Scheduler: admin,
		Buckets: d.Store, Limits: d.Limits, BehindGoogleFrontEnd: d.Config.BehindGoogleFrontEnd, Site: api.Site{DevAuth: d.DevAuth, ClerkPublishableKey: d.Config.ClerkPublishableKey, Version: Version()},
		Spend:     budget.New(d.Store, d.Config.Alerts.MonthlySpendCapUSD, d.Now),
		Account:   account.New(account.Deps{Store: d.Store, Tasks: p.Watch, Mailer: p.mailer, Now: d.Now, Log: d.Log}),
		Redeliver: outbox.NewRedeliverer(d.Store, sched.pub, d.Now, d.Log)})
	return nil
}

// newAuthenticator accepts API keys always, Clerk session tokens when Clerk is configured, and
// header-named dev users only when asked to.
func newAuthenticator(d Deps) (*auth.Chain, error) {
	c := &auth.Chain{APIKeys: auth.NewAPIKeys(d.Store, d.Now, d.Log)}
	if d.Config.ClerkSecretKey != "" || d.Config.ClerkJWKSURL != "" {
		clerk, err := auth.NewClerk(auth.ClerkConfig{SecretKey: d.Config.ClerkSecretKey, JWKSURL: d.Config.ClerkJWKSURL,
			AllowedOrigins: d.Config.AllowedOrigins, Logger: d.Log}, d.Store, d.Now)
		if err != nil {
			return nil, fmt.Errorf("configuring Clerk: %w", err)
		}
		c.Clerk = clerk
	}
	if d.DevAuth {
		c.Dev = auth.NewDev(d.Store)
	}
	return c, nil
}

// channels checks notification targets when a task is saved: verified addresses, and webhook
// URLs the same guard allows that refuses them at connect time.
type channels struct {
	*store.Store
	guard *netguard.Guard
}

// NewChannels returns the check of notification targets the watch service runs on save.
func NewChannels(s *store.Store, allowPrivate bool) watch.Channels {
	return channels{Store: s, guard: netguard.New(netguard.Options{AllowPrivate: allowPrivate})}
}

func (c channels) CheckWebhookURL(raw string) error {
	_, err := c.guard.CheckURL(raw)
	var refused *netguard.RefusedError
	if errors.As(err, &refused) {
		return errors.New(refused.Reason)
	}
	return err
}

// Health reports whether the process can serve: the database answers and this build runs on
// its schema (its own version up to store.SchemaWindow ahead), with the schema's status.
func (p *Platform) Health(ctx context.Context) (*store.SchemaStatus, error) {
	if p.store == nil {
		return nil, nil // the agent function: nothing to reach
	}
	return p.store.Health(ctx)
}

// Background runs the sweep and the notifier's due-delivery pass every interval, and the
// execution retention every minute, until ctx ends.
func (p *Platform) Background(ctx context.Context, interval time.Duration) {
	done, expired := make(chan struct{}), make(chan struct{})
	go func() { p.Notifier.Every(ctx, interval); close(done) }()
	go func() { p.expireEvery(ctx, time.Minute); close(expired) }()
	p.Sweeper.Every(ctx, interval)
	<-done
	<-expired
}
