// Package store is Torale's only door to PostgreSQL. Every read or write of user data takes
// the user's id; driver errors are translated here, and nothing above this package imports pgx.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// ErrNotFound means the row does not exist or belongs to someone else; callers cannot tell
// which, so nothing leaks across users.
var ErrNotFound = errors.New("not found")

// ErrConflict means the row changed underneath the caller, or a unique key already exists.
var ErrConflict = errors.New("conflict")

// ErrInvalidText means PostgreSQL refused a string: a NUL byte or bytes that are not UTF-8
// (SQLSTATE 22021), or a \u0000 in jsonb (22P05). Callers check text before it reaches the
// store; this is the backstop that keeps a missed check a client error rather than a 500.
var ErrInvalidText = errors.New("text holds a NUL byte or invalid UTF-8")

// ConflictError is an ErrConflict with a reason written for the user.
type ConflictError struct{ Reason string }

func (e *ConflictError) Error() string { return "conflict: " + e.Reason }

// Is makes errors.Is(err, ErrConflict) hold for every ConflictError.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

func conflict(reason string) error { return &ConflictError{Reason: reason} }

// DialFunc opens the network connection under each pooled connection; the Cloud SQL connector
// provides one, tests and local runs use the default.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Options tune Open. The zero value connects with the URL as given.
type Options struct {
	// Dial replaces the network dial, for the Cloud SQL connector.
	Dial DialFunc
	// MaxConns bounds the pool (default: pgxpool's, the larger of 4 and the CPU count).
	MaxConns int32
	// NoPing skips the check that the database answers, for a caller whose first statement
	// follows at once and reports the same failure (a cold start's schema check): one round
	// trip fewer before the service listens.
	NoPing bool
}

// Store holds the connection pool. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	q    *db.Queries // the sqlc-compiled queries (queries/*.sql), on the pool
}

// Open connects to the database at url and checks that it answers (unless opts.NoPing).
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parsing database URL: %w", err)
	}
	if opts.Dial != nil {
		cfg.ConnConfig.DialFunc = pgconn.DialFunc(opts.Dial)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.AfterConnect = registerUUID
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("creating connection pool: %w", err)
	}
	if opts.NoPing {
		return &Store{pool: pool, q: db.New(pool)}, nil
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return &Store{pool: pool, q: db.New(pool)}, nil
}

// Close releases every connection.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// inTx runs fn in a transaction with the queries bound to it, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(q *db.Queries) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(s.q.WithTx(tx)) })
}

// mapAll turns generated rows into the store's types; a nil err passes the list through.
func mapAll[R, T any](rows []R, err error, what string, f func(R) T) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out, nil
}

// translate maps driver errors to the store's own.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
		case "22P02": // invalid_text_representation, e.g. a malformed uuid
			return ErrNotFound
		case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
			return ErrInvalidText
		case "TR409": // torale_raise_conflict (000023)
			return conflict(pgErr.Message)
		}
	}
	return err
}
