package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/torale-ai/torale/migrations"
)

// SchemaStatus is where the database's schema stands against the one this build carries.
type SchemaStatus struct {
	Current uint // 0 when no migration has run
	Latest  uint
	Dirty   bool // a migration failed halfway; an operator must look
}

// UpToDate reports whether the schema is exactly what this build needs.
func (s SchemaStatus) UpToDate() bool { return !s.Dirty && s.Current == s.Latest }

// ErrSchemaBehind is returned by CheckSchema when the database needs `torale migrate up`.
var ErrSchemaBehind = errors.New("database schema is behind")

// LatestVersion is the newest migration embedded in this build.
func LatestVersion() uint {
	entries, _ := fs.ReadDir(migrations.FS, ".")
	var versions []int
	for _, e := range entries {
		if n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0]); err == nil {
			versions = append(versions, n)
		}
	}
	if len(versions) == 0 {
		return 0
	}
	sort.Ints(versions)
	return uint(versions[len(versions)-1])
}

func (s *Store) migrator() (*migrate.Migrate, func(), error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, nil, fmt.Errorf("reading embedded migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	driver, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("opening migration driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("preparing migrations: %w", err)
	}
	// Closing m closes the driver's connection and the *sql.DB; the pool stays open.
	return m, func() { _, _ = m.Close() }, nil
}

// MigrateUp applies every pending migration. It is a no-op on an up-to-date schema.
func (s *Store) MigrateUp() error {
	m, done, err := s.migrator()
	if err != nil {
		return err
	}
	defer done()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrating up: %w", err)
	}
	return nil
}

// MigrateDown reverts the newest steps migrations (all of them when steps is 0).
func (s *Store) MigrateDown(steps int) error {
	m, done, err := s.migrator()
	if err != nil {
		return err
	}
	defer done()
	if steps > 0 {
		err = m.Steps(-steps)
	} else {
		err = m.Down()
	}
	if err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrating down: %w", err)
	}
	return nil
}

// Schema reports the database's schema version against this build's. It reads golang-migrate's
// bookkeeping table directly, cheaply enough for every health check. These two queries stay
// hand-written: schema_migrations is made by golang-migrate at run time, not by a migration,
// so sqlc (which compiles against migrations/) cannot see it, and it may not exist yet.
func (s *Store) Schema(ctx context.Context) (SchemaStatus, error) {
	st := SchemaStatus{Latest: LatestVersion()}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return st, fmt.Errorf("reading schema version: %w", err)
	}
	if !exists {
		return st, nil
	}
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &st.Dirty)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("reading schema version: %w", err)
	}
	st.Current = uint(v)
	return st, nil
}

// CheckSchema returns an error that says what to run when the schema is not this build's.
func (s *Store) CheckSchema(ctx context.Context) error {
	st, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	switch {
	case st.Dirty:
		return fmt.Errorf("%w: migration %d failed halfway; fix it by hand, then run `torale migrate up`", ErrSchemaBehind, st.Current)
	case st.Current < st.Latest:
		return fmt.Errorf("%w: it is at version %d and this build needs %d; run `torale migrate up`", ErrSchemaBehind, st.Current, st.Latest)
	case st.Current > st.Latest:
		return fmt.Errorf("database schema is at version %d, newer than this build's %d; deploy the newer build", st.Current, st.Latest)
	}
	return nil
}
