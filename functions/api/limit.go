package api

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// Action names a rate-limited kind of request.
type Action string

// The rate-limited actions.
const (
	ActionCreate  Action = "create"
	ActionRun     Action = "run"
	ActionPreview Action = "preview"
	// ActionWebhookTest sends a test webhook; ActionEmailCode mails a verification code.
	ActionWebhookTest Action = "webhook test"
	ActionEmailCode   Action = "email code"
	// ActionPublic is a read of a route anyone may call (public watches, feeds), limited per
	// client address (clientip.go) rather than per user.
	ActionPublic Action = "public read"
	// ActionFeed is a read of a private feed, limited per feed token: feed-reader services poll
	// many people's feeds from one address, which a per-address limit would starve.
	ActionFeed Action = "feed read"
	// ActionRedeliver sends a notification again; ActionExport reads all of a user's data.
	ActionRedeliver Action = "redeliver"
	ActionExport    Action = "export"
	// ActionChannelTest sends a channel's test message, under the webhook tests' limit but in
	// a bucket of its own.
	ActionChannelTest Action = "channel test"
)

// Limit is a token bucket: Burst requests at once, refilled at Every per request.
type Limit struct {
	Every time.Duration
	Burst int
}

// Limits are the per-user rate limits of the actions that cost money or create work.
type Limits struct {
	Create, Run, Preview   Limit
	WebhookTest, EmailCode Limit
	// Public limits each client address's reads of the public routes.
	Public Limit
	// Feed limits each private feed token's reads.
	Feed              Limit
	Redeliver, Export Limit
}

// DefaultLimits allow a burst of 20 creates (then one every 3 s), 10 runs (one every 6 s), 5
// previews (one every 12 s), 5 webhook tests (one every 12 s) and 10 verification emails (one
// every 30 s; each address also gets at most 3 codes an hour), 10 redeliveries (one every 6 s)
// and 3 exports (one a minute) per user, 60 public reads (one a second) per client address
// (a page view or a person browsing Explore never comes near it, a scraper does) and 30 reads
// (one every 10 s) per private feed token (a reader polls every few minutes at most).
func DefaultLimits() Limits {
	return Limits{
		Create:      Limit{Every: 3 * time.Second, Burst: 20},
		Run:         Limit{Every: 6 * time.Second, Burst: 10},
		Preview:     Limit{Every: 12 * time.Second, Burst: 5},
		WebhookTest: Limit{Every: 12 * time.Second, Burst: 5},
		EmailCode:   Limit{Every: 30 * time.Second, Burst: 10},
		Public:      Limit{Every: time.Second, Burst: 60},
		Feed:        Limit{Every: 10 * time.Second, Burst: 30},
		Redeliver:   Limit{Every: 6 * time.Second, Burst: 10},
		Export:      Limit{Every: time.Minute, Burst: 3},
	}
}

// Buckets keep the rate limits' token buckets where every API instance sees them (the store
// keeps them in PostgreSQL), so that a limit holds however many instances serve a user.
type Buckets interface {
	TakeToken(ctx context.Context, action string, subject uuid.UUID, every time.Duration, burst int,
		now time.Time) (time.Duration, error)
}

// limiter applies the limits from the shared buckets and, without them or while they cannot be
// reached, from buckets in this process's memory: a database outage must not lift the limits on
// previews (which need no database), and the local buckets still bound each instance.
type limiter struct {
	shared Buckets
	log    *slog.Logger
	local  *localLimiter
}

func newLimiter(l Limits, shared Buckets, now func() time.Time, log *slog.Logger) *limiter {
	return &limiter{shared: shared, log: log, local: newLocalLimiter(l, now)}
}

// allow takes a token for the user's action, or says how long until one is free.
func (l *limiter) allow(ctx context.Context, user uuid.UUID, a Action) (time.Duration, bool) {
	lim := l.local.limits[a]
	if lim.Every <= 0 {
		return 0, true
	}
	if l.shared != nil && lim.Burst >= 1 {
		wait, err := l.shared.TakeToken(ctx, string(a), user, lim.Every, lim.Burst, l.local.now())
		if err == nil {
			return wait, wait <= 0
		}
		if l.log != nil {
			l.log.WarnContext(ctx, "shared rate limits unavailable; limiting in this process",
				slog.String("action", string(a)), slog.String("error", err.Error()))
		}
	}
	return l.local.allow(user, a)
}

// localLimiter keeps one bucket per user and action in memory; buckets idle past their refill
// are dropped.
type localLimiter struct {
	mu      sync.Mutex
	limits  map[Action]Limit
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLocalLimiter(l Limits, now func() time.Time) *localLimiter {
	return &localLimiter{limits: map[Action]Limit{ActionCreate: l.Create, ActionRun: l.Run, ActionPreview: l.Preview,
		ActionWebhookTest: l.WebhookTest, ActionEmailCode: l.EmailCode, ActionPublic: l.Public, ActionFeed: l.Feed,
		ActionRedeliver: l.Redeliver, ActionExport: l.Export, ActionChannelTest: l.WebhookTest},
		buckets: map[string]*bucket{}, now: now}
}

// allow takes a token for the user's action, or says how long until one is free.
func (l *localLimiter) allow(user uuid.UUID, a Action) (time.Duration, bool) {
	lim := l.limits[a]
	if lim.Every <= 0 {
		return 0, true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	key := string(a) + "/" + user.String()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 10000 {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(lim.Every), lim.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// evict drops buckets that have refilled completely, which behave like new ones.
func (l *localLimiter) evict(now time.Time) {
	for k, b := range l.buckets {
		full := time.Duration(b.lim.Burst()) * time.Duration(float64(time.Second)/float64(b.lim.Limit()))
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}
