package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
)

// defaultTimeout bounds one attempt when Deps.Timeout is zero.
const defaultTimeout = 15 * time.Second

// ChannelStore is what the sender reads.
type ChannelStore interface {
	GetChannel(ctx context.Context, userID, id uuid.UUID) (store.Channel, error)
}

// Sender posts notifications on saved channels. It is the "channel" type's outbox.Sender and
// also sends the settings screen's test messages, through the same guarded client.
type Sender struct {
	store   ChannelStore
	keys    *sealed.Keyring
	check   func(raw string) string
	client  *http.Client
	public  string
	timeout time.Duration
	log     *slog.Logger
}

// NewSender returns the sender; d.Store need only read channels.
func NewSender(d Deps) *Sender {
	t := d.Timeout
	if t <= 0 {
		t = defaultTimeout
	}
	g := d.Guard
	return &Sender{store: d.Store, keys: d.Keys, check: func(raw string) string { return refused(g, raw) },
		client: g.Client(), public: d.PublicURL, timeout: t, log: d.Log}
}

// Send posts m on the channel its delivery names. A channel that is gone, of a kind this build
// does not know, whose settings do not open or whose address is refused fails for good, with a
// reason the user can act on; every error is free of the channel's secrets and URLs.
func (s *Sender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	if m.Delivery.Target == "" {
		return outbox.Receipt{}, outbox.Permanent(errors.New("the task tells your default channels, and none is marked as a default; mark one in the channel settings"))
	}
	id, err := uuid.Parse(m.Delivery.Target)
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(errors.New("the notification names no channel"))
	}
	c, err := s.store.GetChannel(ctx, m.Delivery.UserID, id)
	if errors.Is(err, store.ErrNotFound) {
		return outbox.Receipt{}, outbox.Permanent(errors.New("the channel was deleted; choose another in the task's notifications"))
	}
	if err != nil {
		return outbox.Receipt{}, errors.New("the channel could not be loaded")
	}
	// The post carries the delivery's id, the same on every retry of this row.
	p := chat.FromMessage(m, s.public)
	p.ID = m.Delivery.ID.String()
	return s.send(ctx, c, p)
}

// Test posts a test message on c and says how it went.
func (s *Sender) Test(ctx context.Context, c store.Channel) (TestResult, error) {
	id := "test_" + uuid.NewString()
	p := chat.SamplePost(s.public)
	p.ID = id
	r, err := s.send(ctx, c, p)
	if errors.Is(err, outbox.ErrNotConfigured) {
		return TestResult{}, err
	}
	res := TestResult{OK: err == nil, LatencyMS: r.Latency.Milliseconds(), DeliveryID: id}
	if r.ResponseCode != 0 {
		res.StatusCode = &r.ResponseCode
	}
	if err != nil {
		res.Error = err.Error()
	}
	return res, nil
}

// Post sends p on c through the same checks and client as a notification: for messages that
// are not a run's notification (failure alerts). p.ID should be stable across retries.
func (s *Sender) Post(ctx context.Context, c store.Channel, p chat.Post) (outbox.Receipt, error) {
	return s.send(ctx, c, p)
}

// send opens c's settings, checks its addresses again (the policy may have changed since it
// was saved) and posts p through the kind's service under the attempt's deadline.
func (s *Sender) send(ctx context.Context, c store.Channel, p chat.Post) (outbox.Receipt, error) {
	svc, ok := chat.Lookup(chat.Kind(c.Kind))
	if !ok {
		return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("channels of kind %q are not supported by this build", c.Kind))
	}
	if s.keys == nil {
		return outbox.Receipt{}, errNoKeys
	}
	settings, err := open(s.keys, c)
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(errors.New("the channel's settings could not be opened (the key that sealed them is gone); save the channel's settings again"))
	}
	for _, f := range svc.Fields() {
		if v := settings[f.Name]; f.URL && v != "" {
			if msg := s.check(v); msg != "" {
				return outbox.Receipt{}, outbox.Permanent(fmt.Errorf("destination refused: the channel's %s cannot be used: %s", f.Label, msg))
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	start := time.Now()
	r, err := svc.Send(ctx, s.client, settings, p)
	rec := outbox.Receipt{ResponseCode: r.Status, Latency: time.Since(start), RetryAfter: r.Wait()}
	if err != nil {
		return rec, sanitize(err, svc, settings)
	}
	return rec, nil
}
