package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

// benchKey derives the benchmark user's webhook secret.
const benchKey = "notify-bench-key-0123456789abcdef-0123456789"

// trial is one throughput measurement.
type trial struct {
	Notifiers  int     `json:"notifiers"`
	Deliveries int     `json:"deliveries"`
	Seconds    float64 `json:"seconds"`
	Rate       float64 `json:"deliveries_per_s"`
}

// throughput seeds opts.Deliveries due outbox rows posting to the receiver, then, for one and
// for two notifiers, resets them to due and times the notifiers draining them, trials times.
func throughput(ctx context.Context, dbURL string, recv *receiver, opts options) ([]trial, error) {
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
	userID, err := seedOutbox(ctx, conn, recv.url, opts.Deliveries)
	if err != nil {
		return nil, err
	}
	keys, err := notifykey.New(benchKey)
	if err != nil {
		return nil, err
	}
	guard := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.addr}, TLSConfig: recv.clientTLS})
	log := slog.New(slog.DiscardHandler)
	settings := webhook.NewService(st, keys, nil, guard, nil, time.Now)
	hook, err := settings.Get(ctx, userID)
	if err != nil {
		return nil, err
	}

	var out []trial
	for i := range 2 * opts.Trials {
		notifiers := 1 + i%2 // alternate one and two, so drifting load falls on both
		if _, err := conn.Exec(ctx, `DELETE FROM delivery_attempts;
			UPDATE notification_deliveries SET status = 'pending', attempts = 0, delivered_at = NULL,
			last_error = NULL, next_attempt_at = now() - interval '1 minute'`); err != nil {
			return nil, fmt.Errorf("resetting the outbox: %w", err)
		}
		if _, err := conn.Exec(ctx, `VACUUM ANALYZE notification_deliveries`); err != nil {
			return nil, err
		}
		if err := recv.expect(hook.Secret); err != nil {
			return nil, err
		}
		var wg sync.WaitGroup
		errs := make(chan error, notifiers)
		start := time.Now()
		for range notifiers {
			sender := webhook.NewSender(webhook.Deps{Store: st, Keys: keys, Guard: guard,
				PublicURL: "https://app.torale.example", Now: time.Now, Log: log})
			n := outbox.New(st, map[task.ChannelType]outbox.Sender{task.ChannelWebhook: sender}, time.Now, log)
			wg.Go(func() {
				if _, err := n.DeliverDue(ctx); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		elapsed := since(start)
		close(errs)
		if err := <-errs; err != nil {
			return nil, err
		}
		ids, requests, invalid := recv.counts()
		if ids != opts.Deliveries || requests != opts.Deliveries || invalid != 0 {
			return nil, fmt.Errorf("trial %d: %d ids in %d requests (%d bad signatures), want %d each once", i, ids, requests, invalid, opts.Deliveries)
		}
		var pending int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM notification_deliveries WHERE status <> 'delivered'`).Scan(&pending); err != nil {
			return nil, err
		}
		if pending != 0 {
			return nil, fmt.Errorf("trial %d: %d rows not recorded as delivered", i, pending)
		}
		out = append(out, trial{Notifiers: notifiers, Deliveries: opts.Deliveries, Seconds: elapsed.Seconds(),
			Rate: float64(opts.Deliveries) / elapsed.Seconds()})
	}
	return out, nil
}

// seedOutbox writes one user, one task posting to url, n successful runs and their n outbox
// rows, in a few set-based statements.
func seedOutbox(ctx context.Context, conn *pgx.Conn, url string, n int) (uuid.UUID, error) {
	var userID, taskID uuid.UUID
	err := conn.QueryRow(ctx, `INSERT INTO users (external_id) VALUES ('dev:notify-bench') RETURNING id`).Scan(&userID)
	if err != nil {
		return userID, fmt.Errorf("seeding the user: %w", err)
	}
	notifications := []task.Notification{{Type: task.ChannelWebhook, URL: url}}
	err = conn.QueryRow(ctx, `INSERT INTO tasks (user_id, name, search_query, condition_description, notify_behavior,
		notifications, state, next_run_at) VALUES ($1, 'Bench watch', 'When will the iPhone 18 ship?', 'It ships', 'always',
		$2, 'active', now() + interval '10 years') RETURNING id`, userID, notifications).Scan(&taskID)
	if err != nil {
		return userID, fmt.Errorf("seeding the task: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO executions (task_id, user_id, scheduled_for, trigger, status, attempt,
		started_at, finished_at, result)
		SELECT $1, $2, now() - make_interval(secs => g), 'schedule', 'success', 1, now(), now(),
		       '{"evidence":"Apple newsroom","sources":[{"url":"https://www.apple.com/newsroom/","title":"Apple Newsroom"}],"confidence":93,"notification":"The iPhone 18 ships on September 18.","next_run":null,"topic":""}'
		FROM generate_series(1, $3) g`, taskID, userID, n)
	if err != nil {
		return userID, fmt.Errorf("seeding runs: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO notification_deliveries (execution_id, task_id, user_id, channel, target, next_attempt_at)
		SELECT id, task_id, user_id, 'webhook', $2, now() - interval '1 minute' FROM executions WHERE task_id = $1`, taskID, url)
	if err != nil {
		return userID, fmt.Errorf("seeding the outbox: %w", err)
	}
	return userID, nil
}
