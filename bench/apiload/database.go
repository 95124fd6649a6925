package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// seedTasks is how many tasks the benchmark user owns: enough that a page of 50 is full and
// has a next page, as the API's limit+1 query expects.
const seedTasks = 200

// pageSize is the page the API is asked for; the bare query fetches pageSize+1 rows, as the
// handler does to learn whether a next page exists.
const pageSize = 50

// fixture is the user the load acts as and the API key it sends.
type fixture struct {
	UserID uuid.UUID
	Key    string
}

// createDatabase makes a database with a random name on the server at serverURL, migrates it
// to this build's schema, and returns its URL with a func that drops it again. It is
// bench/coldstart's, copied because a main package cannot be imported.
func createDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("parsing TEST_DATABASE_URL: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "apiload_" + hex.EncodeToString(b[:])
	if err := adminExec(ctx, serverURL, `CREATE DATABASE `+name); err != nil {
		return "", nil, fmt.Errorf("creating database %s: %w", name, err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = adminExec(ctx, serverURL, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
	u.Path = "/" + name
	if err := migrate(ctx, u.String()); err != nil {
		drop()
		return "", nil, err
	}
	return u.String(), drop, nil
}

// adminExec runs one statement on its own connection to the server's default database.
func adminExec(ctx context.Context, serverURL, sql string) error {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("connecting to TEST_DATABASE_URL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// migrate brings the database at dbURL to this build's schema, as `torale migrate up` would.
func migrate(ctx context.Context, dbURL string) error {
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("opening the benchmark database: %w", err)
	}
	defer st.Close()
	if err := st.MigrateUp(); err != nil {
		return fmt.Errorf("migrating the benchmark database: %w", err)
	}
	return nil
}

// seed makes one user with an API key and seedTasks active tasks due in ten years, so the
// sweep never takes them.
func seed(ctx context.Context, st *store.Store) (fixture, error) {
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "apiload:" + uuid.NewString()[:8]})
	if err != nil {
		return fixture{}, fmt.Errorf("seeding the user: %w", err)
	}
	key, prefix, hash, err := auth.NewAPIKey()
	if err != nil {
		return fixture{}, err
	}
	if _, err := st.CreateAPIKey(ctx, u.ID, "apiload", prefix, hash); err != nil {
		return fixture{}, fmt.Errorf("seeding the API key: %w", err)
	}
	later := time.Now().AddDate(10, 0, 0)
	for i := range seedTasks {
		_, err := st.CreateTask(ctx, store.NewTask{
			UserID:               u.ID,
			Name:                 fmt.Sprintf("Load watch %03d", i),
			SearchQuery:          fmt.Sprintf("release date of product number %d", i),
			ConditionDescription: "A release date has been announced",
			Schedule:             "0 9 * * *",
			Timezone:             "UTC",
			NotifyBehavior:       task.NotifyOnce,
			State:                task.StateActive,
			NextRunAt:            &later,
		})
		if err != nil {
			return fixture{}, fmt.Errorf("seeding task %d: %w", i, err)
		}
	}
	return fixture{UserID: u.ID, Key: key}, nil
}
