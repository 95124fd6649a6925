// Package storetest gives each test its own migrated PostgreSQL database, copied from a
// template that is migrated once per schema, so tests commit freely and run in parallel.
// TEST_DATABASE_URL names the server (make test starts a throwaway one); without it a test
// fails, it never skips.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/migrations"
	"github.com/torale-ai/torale/shared/store"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// ServerURL returns TEST_DATABASE_URL, failing the test when it is not set.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throwaway PostgreSQL, or point it at a server where this user may create databases")
	}
	return u
}

// URL creates a fresh migrated database for the test and returns its URL; the database is
// dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(server) })
	require.NoError(t, templateErr, "preparing the template database")

	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, server)
	require.NoError(t, err)
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+templateName)
	require.NoError(t, err, "creating the test database")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if admin, err := pgx.Connect(ctx, server); err == nil {
			_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			admin.Close(ctx)
		}
	})
	return withDatabase(t, server, name)
}

// New returns a Store on a fresh migrated database, closed and dropped when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, URL(t))
}

// Open returns a Store on the database at url (from URL), closed when the test ends; for tests
// that also need the URL, such as for a TxGuard.
func Open(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), url, store.Options{MaxConns: 20})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func withDatabase(t testing.TB, server, name string) string {
	u, err := url.Parse(server)
	require.NoError(t, err, "TEST_DATABASE_URL must be a postgres:// URL")
	u.Path = "/" + name
	return u.String()
}

// ensureTemplate creates and migrates the template for the embedded schema once per server,
// under an advisory lock so parallel test binaries do not race.
func ensureTemplate(server string) (string, error) {
	name := "torale_tmpl_" + schemaHash()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return "", fmt.Errorf("connecting to TEST_DATABASE_URL: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7446171)`); err != nil {
		return "", err
	}
	// Closing the connection releases the lock too; unlocking first only lets the next waiter in sooner.
	defer func() { _, _ = admin.Exec(ctx, `SELECT pg_advisory_unlock(7446171)`) }()
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + building
	s, err := store.Open(ctx, u.String(), store.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	err = s.MigrateUp()
	s.Close()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

func schemaHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// SetSchemaVersion rewrites the database's migration bookkeeping to version v, leaving the
// schema as it is: the database then looks migrated by a newer build (v above this build's)
// whose migrations only expanded, which is what the schema window (store.SchemaWindow) lets a
// build run on.
func SetSchemaVersion(t testing.TB, url string, v uint) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `UPDATE schema_migrations SET version = $1, dirty = false`, int64(v))
	require.NoError(t, err)
}
