// Package platform assembles Torale from its parts for one process: the services over the
// store, the runner and notifier subscribed to the publisher, and the API. The functions server
// and torale dev both build on it, so the local platform runs exactly the cloud's code.
package platform

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/notify"
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
	Agent  agent.Agent
	// DevAuth lets requests without a token act as header-named local users (torale dev only).
	DevAuth bool
	Senders map[task.ChannelType]notify.Sender
	Now     func() time.Time
	Log     *slog.Logger
}

// Platform is every service of one process.
type Platform struct {
	Watch    *watch.Service
	Runner   *runner.Runner
	Sweeper  *schedule.Sweeper
	Notifier *notify.Notifier
	API      *api.API
	store    *store.Store
}

// New builds the services and subscribes the runner and notifier to the bus.
func New(d Deps) (*Platform, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Agent == nil {
		// No model provider is wired in yet: runs fail with a message naming the key to set.
		d.Agent = agent.Unconfigured{}
	}
	rules := task.Rules{MinInterval: d.Config.MinInterval}
	p := &Platform{store: d.Store}
	p.Watch = watch.New(watch.Deps{Store: d.Store, Publisher: d.Bus, Agent: d.Agent, Now: d.Now, Rules: rules,
		Log: d.Log, MaxActive: d.Config.MaxActiveTasks, AgentTimeout: d.Config.AgentTimeout})
	p.Runner = runner.New(d.Store, d.Agent, d.Bus, d.Now, d.Log, runner.Config{
		Rules: rules, AgentTimeout: d.Config.AgentTimeout, MaxAttempts: d.Config.MaxAttempts,
	})
	p.Sweeper = schedule.NewSweeper(d.Store, d.Bus, d.Now, d.Log, schedule.SweepConfig{})
	p.Notifier = notify.New(d.Store, d.Senders, d.Now, d.Log)
	authn, err := newAuthenticator(d)
	if err != nil {
		return nil, err
	}
	p.API = api.New(api.Deps{Watch: p.Watch, Keys: d.Store, Admin: d.Store, Auth: authn, Health: p.Health,
		AllowedOrigins: d.Config.AllowedOrigins, Now: d.Now, Log: d.Log})
	d.Bus.Subscribe(event.TopicRunTask, 4, p.Runner.HandleMessage)
	d.Bus.Subscribe(event.TopicNotify, 2, func(ctx context.Context, _ []byte) error {
		_, err := p.Notifier.DeliverDue(ctx)
		return err
	})
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
