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
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/torale-ai/torale/migrations"
)

// SchemaWindow is how many migration versions newer than its own a build runs against. It is
// what makes "migrate, then deploy" and a rollback safe: the running (or rolled-back-to) build
// keeps serving on the schema the next releases migrated to. In exchange every migration is
// expand-only against the builds of the window: it may add tables, columns (nullable or with a
// default), indexes and rows, and may not drop, rename or retype what they use, nor add a
// constraint their writes could break. Such a contracting step comes at least SchemaWindow
// versions after the last build that used the thing, marked `-- contract:`
// (migrations/expand_test.go checks both; previous_release_test.go prepares the queries of the
// builds before each of the newest SchemaWindow migrations on the newest schema).
const SchemaWindow = 2

// SchemaStatus is where the database's schema stands against the one this build carries.
type SchemaStatus struct {
	Current uint // 0 when no migration has run
	Latest  uint // the newest migration this build carries
	Dirty   bool // a migration failed halfway; an operator must look
}

// UpToDate reports whether the schema is exactly what this build carries.
func (s SchemaStatus) UpToDate() bool { return !s.Dirty && s.Current == s.Latest }

// Ahead reports whether a newer build migrated the database past this build's schema.
func (s SchemaStatus) Ahead() bool { return s.Current > s.Latest }

// NewestAccepted is the newest schema version this build runs against.
func (s SchemaStatus) NewestAccepted() uint { return s.Latest + SchemaWindow }

// Check returns why this build cannot run on the schema, or nil: it runs from its own version
// up to SchemaWindow versions ahead.
func (s SchemaStatus) Check() error {
	switch {
	case s.Dirty:
		return fmt.Errorf("%w: migration %d failed halfway; fix it by hand, then run `torale migrate up`", ErrSchemaBehind, s.Current)
	case s.Current < s.Latest:
		return fmt.Errorf("%w: it is at version %d and this build needs %d; run `torale migrate up`", ErrSchemaBehind, s.Current, s.Latest)
	case s.Current > s.NewestAccepted():
		return fmt.Errorf("%w: it is at version %d and this build (version %d) runs on at most %d; deploy a newer build",
			ErrSchemaAhead, s.Current, s.Latest, s.NewestAccepted())
	}
	return nil
}

// ErrSchemaBehind is returned by CheckSchema when the database needs `torale migrate up`.
var ErrSchemaBehind = errors.New("database schema is behind")

// ErrSchemaAhead is returned by CheckSchema when the database is more than SchemaWindow
// versions newer than this build: migrations that far ahead may have contracted what it uses.
var ErrSchemaAhead = errors.New("database schema is too new for this build")

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

// MigrateUp applies every pending migration. It is a no-op on an up-to-date schema, and on one
// a newer build migrated within SchemaWindow (a rollback's migration step); further ahead it
// fails with ErrSchemaAhead.
func (s *Store) MigrateUp() error {
	if st, err := s.Schema(context.Background()); err == nil && st.Ahead() && !st.Dirty {
		return st.Check()
	}
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
	if st, err := s.Schema(context.Background()); err == nil && st.Ahead() {
		return fmt.Errorf("the database is at version %d, newer than this build's %d: migrate down with the build that carries version %d", st.Current, st.Latest, st.Current)
	}
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
// bookkeeping table directly, in one round trip (the simple protocol: no statement to prepare
// first), cheaply enough for every health check and a service's start. The query stays
// hand-written: schema_migrations is made by golang-migrate at run time, not by a migration, so
// sqlc (which compiles against migrations/) cannot see it, and it may not exist yet, which
// PostgreSQL answers with undefined_table: a database nothing has migrated.
func (s *Store) Schema(ctx context.Context) (SchemaStatus, error) {
	st := SchemaStatus{Latest: LatestVersion()}
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`, pgx.QueryExecModeSimpleProtocol).
		Scan(&v, &st.Dirty)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table
		return st, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return st, fmt.Errorf("reading schema version: %w", err)
	}
	st.Current = uint(v)
	return st, nil
}

// CheckSchema returns an error that says what to do when this build cannot run on the schema
// (SchemaStatus.Check).
func (s *Store) CheckSchema(ctx context.Context) error {
	_, err := s.Health(ctx)
	return err
}

// Health reads the schema's status for a health check: the status (nil when the database does
// not answer) and why this build cannot run on it, or nil.
func (s *Store) Health(ctx context.Context) (*SchemaStatus, error) {
	st, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	return &st, st.Check()
}
