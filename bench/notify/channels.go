package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/channel"
	"github.com/torale-ai/torale/shared/channel/channeltest"
	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// kindTrial is one kind's delivery rate with one notifier, and its ratio to the webhook's in
// the same round.
type kindTrial struct {
	Kind       string  `json:"kind"`
	Round      int     `json:"round"`
	Deliveries int     `json:"deliveries"`
	Seconds    float64 `json:"seconds"`
	Rate       float64 `json:"deliveries_per_s"`
}

// lane is one thing a round drains: the webhook, or one channel.
type lane struct {
	kind    string
	channel string // the outbox target; the webhook's URL for the webhook
	count   func() int
	reset   func()
}

// channelThroughput measures each chat kind with one notifier against its local fake (https,
// through the guard), beside the webhook to the same machine's receiver, in rounds that take
// every lane in turn so drifting load falls on all. Each kind's n rows belong to the webhook's
// runs, so the rows claimed and the runs loaded are the same.
func channelThroughput(ctx context.Context, dbURL string, recv *receiver, opts options) ([]kindTrial, error) {
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 16})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var userID uuid.UUID
	if err := conn.QueryRow(ctx, `SELECT id FROM users WHERE external_id = 'dev:notify-bench'`).Scan(&userID); err != nil {
		return nil, fmt.Errorf("finding the bench user: %w", err)
	}
	fakes, lanes, chatSender, err := seedChannels(ctx, st, conn, userID, opts.Deliveries)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, f := range fakes {
			f.Close()
		}
	}()
	keys, err := notifykey.New(benchKey)
	if err != nil {
		return nil, err
	}
	hookGuard := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.addr}, TLSConfig: recv.clientTLS})
	log := slog.New(slog.DiscardHandler)
	hookSender := webhook.NewSender(webhook.Deps{Store: st, Keys: keys, Guard: hookGuard,
		PublicURL: "https://app.torale.example", Now: time.Now, Log: log})
	hook, err := webhook.NewService(st, keys, nil, hookGuard, nil, time.Now).Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	lanes = append([]lane{{kind: "webhook", channel: string(task.ChannelWebhook), count: func() int { _, r, _ := recv.counts(); return r },
		reset: func() { _ = recv.expect(hook.Secret) }}}, lanes...)
	senders := map[task.ChannelType]outbox.Sender{task.ChannelWebhook: hookSender, task.ChannelChat: chatSender}

	var out []kindTrial
	for round := range opts.Trials {
		for _, l := range lanes {
			tr, err := drainLane(ctx, conn, st, senders, l, opts.Deliveries, log)
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", l.kind, round, err)
			}
			tr.Round = round
			out = append(out, tr)
		}
	}
	return out, nil
}

// drainLane makes the lane's rows due again, times one notifier delivering them, and checks
// that each arrived once and is recorded delivered.
func drainLane(ctx context.Context, conn *pgx.Conn, st *store.Store, senders map[task.ChannelType]outbox.Sender, l lane, n int, log *slog.Logger) (kindTrial, error) {
	where := `channel = 'webhook'`
	args := []any{}
	if l.kind != "webhook" {
		where, args = `channel = 'channel' AND target = $1`, []any{l.channel}
	}
	if _, err := conn.Exec(ctx, `DELETE FROM delivery_attempts a USING notification_deliveries d
		WHERE a.delivery_id = d.id AND d.`+where, args...); err != nil {
		return kindTrial{}, err
	}
	if _, err := conn.Exec(ctx, `UPDATE notification_deliveries SET status = 'pending', attempts = 0, delivered_at = NULL,
		last_error = NULL, next_attempt_at = now() - interval '1 minute' WHERE `+where, args...); err != nil {
		return kindTrial{}, fmt.Errorf("resetting the outbox: %w", err)
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE notification_deliveries`); err != nil {
		return kindTrial{}, err
	}
	l.reset()
	notifier := outbox.New(st, senders, time.Now, log)
	start := time.Now()
	if _, err := notifier.DeliverDue(ctx); err != nil {
		return kindTrial{}, err
	}
	elapsed := since(start)
	if got := l.count(); got != n {
		return kindTrial{}, fmt.Errorf("%d requests for %d deliveries", got, n)
	}
	var pending int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM notification_deliveries WHERE status <> 'delivered'`).Scan(&pending); err != nil {
		return kindTrial{}, err
	}
	if pending != 0 {
		return kindTrial{}, fmt.Errorf("%d rows not recorded as delivered", pending)
	}
	return kindTrial{Kind: l.kind, Deliveries: n, Seconds: elapsed.Seconds(), Rate: float64(n) / elapsed.Seconds()}, nil
}

// seedChannels saves one channel of every kind, each posting to its own fake service, and
// writes n delivered outbox rows per channel (one per run of the webhook's task), made due
// when their lane's turn comes.
func seedChannels(ctx context.Context, st *store.Store, conn *pgx.Conn, userID uuid.UUID, n int) ([]*channeltest.Service, []lane, *channel.Sender, error) {
	ring, err := sealed.Parse(sealed.NewKey("bench"))
	if err != nil {
		return nil, nil, nil, err
	}
	var fakes []*channeltest.Service
	roots := x509.NewCertPool()
	var allow []netip.AddrPort
	for _, k := range chat.Kinds() {
		f := channeltest.NewTLS(string(k)).Counting()
		fakes = append(fakes, f)
		roots.AddCert(f.Server().Certificate())
		allow = append(allow, f.Addr())
	}
	guard := netguard.New(netguard.Options{Allow: allow, TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}})
	d := channel.Deps{Store: st, Keys: ring, Guard: guard, PublicURL: "https://app.torale.example", Now: time.Now,
		Log: slog.New(slog.DiscardHandler)}
	sender := channel.NewSender(d)
	svc := channel.NewService(d, sender)
	var lanes []lane
	for _, f := range fakes {
		ch, err := svc.Create(ctx, userID, channel.Input{Kind: chat.Kind(f.Kind), Name: f.Kind, Settings: f.Settings("BenchToken0123456789")})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("saving the %s channel: %w", f.Kind, err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO notification_deliveries (execution_id, task_id, user_id, channel, target,
			status, next_attempt_at) SELECT id, task_id, user_id, 'channel', $2, 'delivered', now() FROM executions WHERE user_id = $1`,
			userID, ch.ID.String()); err != nil {
			return nil, nil, nil, fmt.Errorf("seeding the %s outbox: %w", f.Kind, err)
		}
		lanes = append(lanes, lane{kind: f.Kind, channel: ch.ID.String(), count: f.Count, reset: f.Reset})
	}
	return fakes, lanes, sender, nil
}
