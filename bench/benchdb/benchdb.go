// Package benchdb gives the benchmarks under bench/ throwaway
// migrated databases on the TEST_DATABASE_URL server, tasks seeded in one statement, and the
// figures they read back from the executions table.
package benchdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store"
)

// Create makes a database with a random name on the server, migrates it to this build's
// schema, and returns its URL and a func that drops it.
func Create(ctx context.Context, serverURL, prefix string) (string, func(), error) {
	if serverURL == "" {
		return "", nil, fmt.Errorf("TEST_DATABASE_URL is not set: run through scripts/with-postgres")
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("parsing TEST_DATABASE_URL: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "_" + hex.EncodeToString(b[:])
	if err := Exec(ctx, serverURL, `CREATE DATABASE `+name); err != nil {
		return "", nil, fmt.Errorf("creating database %s: %w", name, err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = Exec(ctx, serverURL, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
	u.Path = "/" + name
	st, err := store.Open(ctx, u.String(), store.Options{MaxConns: 2})
	if err == nil {
		err = st.MigrateUp()
		st.Close()
	}
	if err != nil {
		drop()
		return "", nil, fmt.Errorf("migrating %s: %w", name, err)
	}
	return u.String(), drop, nil
}

// Exec runs one statement on its own connection to the database at dbURL.
func Exec(ctx context.Context, dbURL, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

// Seed stores n active tasks of userID due at due, without a cron (a finished run moves them a
// day on), each notifying by email and webhook when its run notifies.
func Seed(ctx context.Context, dbURL string, userID uuid.UUID, n int, due time.Time) error {
	return SeedUsers(ctx, dbURL, []uuid.UUID{userID}, n, due)
}

// SeedUsers stores n tasks as Seed does, dealt to the users in turn.
func SeedUsers(ctx context.Context, dbURL string, users []uuid.UUID, n int, due time.Time) error {
	err := Exec(ctx, dbURL, `INSERT INTO tasks (user_id, name, search_query, condition_description, state,
		notify_behavior, notifications, next_run_at)
		SELECT ($1::uuid[])[1 + g % cardinality($1::uuid[])], 'Watch ' || g, 'iphone release date', 'announced', 'active', 'always',
		'[{"type":"email","address":"me@example.com"},{"type":"webhook","url":"https://hooks.example.com/x"}]', $2
		FROM generate_series(1, $3::int) g`, users, due, n)
	if err != nil {
		return fmt.Errorf("seeding tasks: %w", err)
	}
	return Exec(ctx, dbURL, `ANALYZE tasks`)
}

// Figures are what the executions of one benchmark phase say.
type Figures struct {
	Runs       int           // successful executions
	Executions int           // all executions
	Tasks      int           // tasks with at least one execution
	LagP50     time.Duration // started_at - due, median
	LagP99     time.Duration
	LagMax     time.Duration
	LastEnd    time.Time // the latest finished_at
}

// Read reads the figures of every execution, lags measured from due.
func Read(ctx context.Context, dbURL string, due time.Time) (Figures, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return Figures{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var f Figures
	var p50, p99, max float64
	var last *time.Time
	err = conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'success'), count(*), count(DISTINCT task_id),
		COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - $1)), 0),
		COALESCE(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - $1)), 0),
		COALESCE(max(extract(epoch FROM started_at - $1))::float8, 0), max(finished_at)
		FROM executions`, due).Scan(&f.Runs, &f.Executions, &f.Tasks, &p50, &p99, &max, &last)
	if err != nil {
		return f, err
	}
	f.LagP50, f.LagP99, f.LagMax = seconds(p50), seconds(p99), seconds(max)
	if last != nil {
		f.LastEnd = *last
	}
	return f, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Count runs one counting query.
func Count(ctx context.Context, dbURL, sql string, args ...any) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int
	err = conn.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}
