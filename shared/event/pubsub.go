package event

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"google.golang.org/api/option"
)

// PubSub is the Publisher of a Google Cloud deployment: each topic is a Pub/Sub topic of one
// project, created by Terraform (or, locally, by whoever starts the emulator). The client
// honours PUBSUB_EMULATOR_HOST, so a local run needs no credentials.
type PubSub struct {
	client  *pubsub.Client
	project string
	delay   time.Duration

	mu     sync.Mutex
	topics map[string]*pubsub.Publisher
	closed bool
}

// PubSubOptions tune a PubSub publisher. Zero values take the defaults.
type PubSubOptions struct {
	// Delay is how long a message may wait to be batched with others before it is sent
	// (default 1ms): Publish waits for the send, so a long delay slows every caller.
	Delay time.Duration
	// Client are extra client options (an emulator's connection in tests).
	Client []option.ClientOption
}

// NewPubSub connects to Pub/Sub for project.
func NewPubSub(ctx context.Context, project string, opts PubSubOptions) (*PubSub, error) {
	if project == "" {
		return nil, errors.New("pubsub: no project")
	}
	c, err := pubsub.NewClient(ctx, project, opts.Client...)
	if err != nil {
		return nil, fmt.Errorf("connecting to Pub/Sub: %w", err)
	}
	if opts.Delay <= 0 {
		opts.Delay = time.Millisecond
	}
	return &PubSub{client: c, project: project, delay: opts.Delay, topics: map[string]*pubsub.Publisher{}}, nil
}

// TopicName is the full resource name of one of Torale's topics in project.
func TopicName(project, topic string) string { return "projects/" + project + "/topics/" + topic }

// Project is the Pub/Sub project messages go to.
func (p *PubSub) Project() string { return p.project }

// Publish sends data to topic and returns once Pub/Sub has stored it. The message carries a
// "version" attribute naming the schema, for subscribers that filter.
func (p *PubSub) Publish(ctx context.Context, topic string, data []byte) error {
	pub, err := p.publisher(topic)
	if err != nil {
		return err
	}
	res := pub.Publish(ctx, &pubsub.Message{Data: data, Attributes: map[string]string{"version": strconv.Itoa(Version)}})
	if _, err := res.Get(ctx); err != nil {
		return fmt.Errorf("pubsub publish to %s: %w", topic, err)
	}
	return nil
}

func (p *PubSub) publisher(topic string) (*pubsub.Publisher, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	pub, ok := p.topics[topic]
	if !ok {
		pub = p.client.Publisher(TopicName(p.project, topic))
		pub.PublishSettings.DelayThreshold = p.delay
		p.topics[topic] = pub
	}
	return pub, nil
}

// Close sends what is batched and releases the connection; Publish fails with ErrClosed after.
func (p *PubSub) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	pubs := p.topics
	p.mu.Unlock()
	for _, pub := range pubs {
		pub.Stop()
	}
	return p.client.Close()
}

// Subscriber is a pull consumer of the subscription id in the publisher's project (the
// deep-run worker's).
func (p *PubSub) Subscriber(id string) *pubsub.Subscriber { return p.client.Subscriber(id) }
