package outbox

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// Limits share one notifier's workers between users, so that one user's receivers that hang
// cannot delay another user's notifications. They hold per process: each notifier (torale dev,
// or one Cloud Run instance of the notify function) shares its own workers. That suffices
// because what a slow receiver holds is the sender's own worker; in the cloud each delivery is
// its own push request, and an instance's concurrent requests share these limits.
// There is deliberately no limit per host across users: many users' chat channels share one
// host (hooks.slack.com), and one user's failures there must not slow the others.
type Limits struct {
	// Workers is how many sends run at once (default 32).
	Workers int
	// PerUser is how many of one user's sends run at once (default 4).
	PerUser int
	// Backlog is how many of one user's sends may run or wait at once (default 16); a user
	// at it is not claimed for, and their due rows wait in the database, so that none waits in
	// memory long enough for its lease (2 minutes) to run out.
	Backlog int
	// PerDestination is how many of one user's sends to one host run at once (default 2); a
	// user's emails go one at a time (see Destination).
	PerDestination int
}

func (l Limits) withDefaults() Limits {
	if l.Workers <= 0 {
		l.Workers = 32
	}
	if l.PerUser <= 0 {
		l.PerUser = 4
	}
	if l.Backlog <= 0 {
		l.Backlog = 4 * l.PerUser
	}
	if l.PerDestination <= 0 {
		l.PerDestination = 2
	}
	return l
}

// batch is how many rows one claim takes at most.
const batch = 50

// DeliverDue claims due deliveries, users taking turns and none holding more than its share,
// sends them concurrently, and claims again as they finish, until nothing more is due. It waits
// for every send it started and returns how many it tried.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	var own sync.WaitGroup
	var running atomic.Int64
	defer own.Wait()
	total := 0
	for {
		changed := n.pool.Changed()
		now := n.now()
		claimed, err := n.store.ClaimFairDeliveries(ctx, store.FairClaim{Now: now, LeaseUntil: now.Add(n.lease),
			Limit: batch, PerUser: n.limits.PerUser, Skip: n.saturated()})
		if err != nil {
			return total, err
		}
		for _, d := range claimed {
			own.Add(1)
			running.Add(1)
			queued := n.pool.Go(d.UserID.String(), Destination(d), func() {
				defer own.Done()
				defer running.Add(-1)
				n.deliver(ctx, d)
			})
			if !queued {
				own.Done()
				running.Add(-1)
			}
		}
		total += len(claimed)
		if len(claimed) > 0 {
			continue
		}
		wait := n.poll
		if running.Load() == 0 {
			// Nothing of ours runs: done, unless rows are still due (another notifier's claim
			// held them for a moment; they are claimed by it, or by the next try).
			due, err := n.store.DueDeliveries(ctx, now, 1)
			if err != nil || len(due) == 0 {
				return total, err
			}
			wait = 10 * time.Millisecond
		}
		// Wait for a worker to free (a saturated user may then be claimed for again), or poll
		// for rows that came due meanwhile.
		select {
		case <-changed:
		case <-time.After(wait):
		case <-ctx.Done():
			return total, ctx.Err()
		}
	}
}

// saturated lists the users whose share of the workers is full.
func (n *Notifier) saturated() []uuid.UUID {
	var out []uuid.UUID
	for _, s := range n.pool.Saturated() {
		if id, err := uuid.Parse(s); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// emailLane is the one destination of a user's emails: they all leave through the deployment's
// mail relay, and the hourly cap (email.MaxPerHour) is checked before a send and counted once it
// is recorded, so a user's emails go one at a time for the cap to hold.
const emailLane = "email"

// laneLimit lets a user's emails go one at a time; other destinations take PerDestination.
func laneLimit(key string) int {
	if key == emailLane {
		return 1
	}
	return 0
}

// Destination is the host a delivery goes to, the key its user's sends are limited by; a webhook
// delivery with no URL of its own goes to the user's default webhook, and every email of a user
// to one destination, the mail relay.
func Destination(d task.Delivery) string {
	if d.Channel == task.ChannelEmail {
		return emailLane
	}
	t := strings.TrimSpace(d.Target)
	if t == "" {
		return string(d.Channel) + ":default"
	}
	if u, err := url.Parse(t); err == nil && u.Host != "" {
		return string(d.Channel) + ":" + strings.ToLower(u.Hostname())
	}
	return string(d.Channel) + ":" + strings.ToLower(t)
}
