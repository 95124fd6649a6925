// Package platform assembles Torale from its parts for one process: the services over the
// store, the runner and notifier subscribed to the publisher, and the API. The functions server
// and torale dev both build on it, so the local platform runs exactly the cloud's code.
package platform

import (
	"context"
	"log/slog"
	"time"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/agent"
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
	Config  config.Config
	Store   *store.Store
	Bus     *event.Bus
	Agent   agent.Agent
	Auth    api.Authenticator
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
func New(d Deps) *Platform {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Agent == nil {
		// No model provider is wired in yet: runs fail with a message naming the key to set.
		d.Agent = agent.Unconfigured{}
	}
	rules := task.Rules{MinInterval: d.Config.MinInterval}
	p := &Platform{store: d.Store}
	p.Watch = watch.New(d.Store, d.Bus, d.Now, rules, d.Log)
	p.Runner = runner.New(d.Store, d.Agent, d.Bus, d.Now, d.Log, runner.Config{
		Rules: rules, AgentTimeout: d.Config.AgentTimeout, MaxAttempts: d.Config.MaxAttempts,
	})
	p.Sweeper = schedule.NewSweeper(d.Store, d.Bus, d.Now, d.Log, schedule.SweepConfig{})
	p.Notifier = notify.New(d.Store, d.Senders, d.Now, d.Log)
	p.API = api.New(api.Deps{Watch: p.Watch, Auth: d.Auth, Health: p.Health, Log: d.Log})
	d.Bus.Subscribe(event.TopicRunTask, 4, p.Runner.HandleMessage)
	d.Bus.Subscribe(event.TopicNotify, 2, func(ctx context.Context, _ []byte) error {
		_, err := p.Notifier.DeliverDue(ctx)
		return err
	})
	return p
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
