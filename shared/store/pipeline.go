package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// errNotPipelined is what a statement that returns rows gets from a pipeline: its rows would
// come only when the batch is sent, so it must run on the transaction itself.
var errNotPipelined = errors.New("store: a statement whose rows are read cannot be pipelined")

// pipeline is a db.DBTX that queues the statements the generated code sends through Exec into
// one batch, sent by send in a single round trip: a transaction's writes that nothing reads
// before the commit. On two cores a run's dispatch is bound by the database's work per round
// trip (bench/dispatch), and a run's finish writes two to five statements.
type pipeline struct{ b pgx.Batch }

func (p *pipeline) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.b.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

func (p *pipeline) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errNotPipelined
}

func (p *pipeline) QueryRow(context.Context, string, ...any) pgx.Row { return failedRow{} }

// batchSender is a pool, whose batch is one implicit transaction (it commits unless a statement
// fails on the server: see 000023), or a transaction.
type batchSender interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// send runs the queued statements on to in one round trip and returns the first error.
func (p *pipeline) send(ctx context.Context, to batchSender) error {
	if p.b.Len() == 0 {
		return nil
	}
	return translate(to.SendBatch(ctx, &p.b).Close())
}

type failedRow struct{}

func (failedRow) Scan(...any) error { return errNotPipelined }
