// Package platform assembles Torale from its parts for one process: the services over the
// store, the runner and notifier subscribed to the publisher, and the API. The functions server
// and torale dev both build on it, so the local platform runs exactly the cloud's code.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notify"
	"github.com/torale-ai/torale/shared/reconcile"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/schedule"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
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
	// DevAuth lets requests without a token act as header-named local users (torale dev only).
	DevAuth bool
	Senders map[task.ChannelType]notify.Sender
	// Mailer sends email instead of TORALE_SMTP_URL's server (torale dev: the local mailbox).
	Mailer notify.Mailer
	// Mailbox is served at GET /api/v1/dev/mailbox when DevAuth is on.
	Mailbox *notify.Mailbox
	Now     func() time.Time
	Log     *slog.Logger
}

// Platform is every service of one process.
type Platform struct {
	// Agent decides runs in this process; the agent function serves it.
	Agent   agent.Agent
	Watch   *watch.Service
	Runner  *runner.Runner
	Sweeper *schedule.Sweeper
	// Gate stands between run-task messages and the runner: runtask and the bus call it.
	Gate *schedule.Gate
	// Reconciler makes the world match the database (scheduling.go).
	Reconciler *reconcile.Reconciler
	Notifier   *notify.Notifier
	Webhooks   *notify.Webhooks
	Verifier   *notify.Verifier
	API        *api.API
	store      *store.Store
	bus        event.Publisher
	now        func() time.Time
}

// New builds the services and subscribes the runner and notifier to the bus.
func New(d Deps) (*Platform, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	// The agent this process decides with, and the one runs and previews call (the agent
	// function when TORALE_AGENT_URL is set); see agent.go.
	local, calls, err := newAgents(d)
	if err != nil {
		return nil, err
	}
	rules := task.Rules{MinInterval: d.Config.MinInterval}
	sched, err := newScheduling(d)
	if err != nil {
		return nil, err
	}
	p := &Platform{Agent: local, store: d.Store, bus: sched.pub, now: d.Now}
	p.Watch = watch.New(watch.Deps{Store: d.Store, Publisher: sched.pub, Trigger: sched.trigger(), Agent: calls, Now: d.Now, Rules: rules,
		Log: d.Log, MaxActive: d.Config.MaxActiveTasks, AgentTimeout: d.Config.AgentTimeout,
		Channels: NewChannels(d.Store, d.Config.Notify.WebhookAllowPrivate)})
	p.Runner = runner.New(d.Store, calls, sched.runnerPub, d.Now, d.Log, runner.Config{AfterRun: sched.afterRun(),
		Rules: rules, AgentTimeout: d.Config.AgentTimeout, MaxAttempts: d.Config.MaxAttempts,
		Memory: newMemory(d),
	})
	p.Sweeper = schedule.NewSweeper(sched.claimer, sched.pub, d.Now, d.Log, schedule.SweepConfig{})
	p.Gate = schedule.NewGate(d.Store, p.Runner.HandleTask, d.Now, d.Log)
	p.Reconciler = sched.reconciler(d, rules)
	np, err := newNotify(d)
	if err != nil {
		return nil, err
	}
	p.Notifier, p.Webhooks, p.Verifier = notify.New(d.Store, np.senders, d.Now, d.Log), np.webhooks, np.verifier
	authn, err := newAuthenticator(d)
	if err != nil {
		return nil, err
	}
	p.API = api.New(api.Deps{Watch: p.Watch, Keys: d.Store, Admin: d.Store, Auth: authn, Health: p.Health,
		AllowedOrigins: d.Config.AllowedOrigins, Now: d.Now, Log: d.Log, Notify: np.api, Scheduler: p.Reconciler})
	if d.Publisher == nil {
		d.Bus.Subscribe(event.TopicRunTask, 4, p.Gate.HandleMessage)
		d.Bus.Subscribe(event.TopicNotify, 2, p.Notifier.HandleMessage)
	}
	return p, nil
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
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), netguard.ErrRefused.Error()+": "))
	}
	return nil
}

// Health reports whether the process can serve: the database answers and its schema is this
// build's.
func (p *Platform) Health(ctx context.Context) error {
	if err := p.store.Ping(ctx); err != nil {
		return err
	}
	return p.store.CheckSchema(ctx)
}

// Background runs the sweep and the notifier's due-delivery pass every interval until ctx ends.
func (p *Platform) Background(ctx context.Context, interval time.Duration) {
	done := make(chan struct{})
	go func() { p.Notifier.Every(ctx, interval); close(done) }()
	p.Sweeper.Every(ctx, interval)
	<-done
}
