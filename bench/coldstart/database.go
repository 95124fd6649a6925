package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store"
)

// createDatabase makes a database with a random name on the server at serverURL, migrates it
// to this build's schema, and returns its URL with a func that drops it again.
func createDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("parsing TEST_DATABASE_URL: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "coldstart_" + hex.EncodeToString(b[:])
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
