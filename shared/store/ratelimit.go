package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// TakeToken takes one token from the rate-limit bucket of (action, subject), a bucket of burst
// tokens refilled one per every, and returns 0 when it did, or how long until a token is free.
// The bucket is a row shared by every process on the database, refilled and taken in one
// statement, so the limit holds however many API instances serve the subject. now is the
// caller's clock: instances' clocks agree to well under a refill step, and a clock behind the
// bucket's refills nothing rather than taking back.
func (s *Store) TakeToken(ctx context.Context, action string, subject uuid.UUID, every time.Duration, burst int,
	now time.Time) (time.Duration, error) {
	if every <= 0 || burst < 1 {
		return 0, errors.New("taking a rate-limit token: the limit needs a positive refill and a burst of at least 1")
	}
	row, err := s.q.TakeRateToken(ctx, db.TakeRateTokenParams{Action: action, Subject: subject, Now: now,
		Burst: float64(burst), EverySeconds: every.Seconds()})
	if err != nil {
		return 0, fmt.Errorf("taking a rate-limit token: %w", translate(err))
	}
	if row.Granted {
		return 0, nil
	}
	wait := time.Duration(math.Ceil((1 - row.Tokens) * float64(every)))
	return max(wait, time.Nanosecond), nil
}

// PruneRateBuckets deletes up to limit buckets untouched since idleBefore and returns how many.
// Call it with idleBefore well past the slowest limit's refill (an hour is past every API
// limit's): such a bucket is full, like a missing one, so no limit changes.
func (s *Store) PruneRateBuckets(ctx context.Context, idleBefore time.Time, limit int) (int64, error) {
	n, err := s.q.PruneRateBuckets(ctx, db.PruneRateBucketsParams{IdleBefore: idleBefore, MaxRows: limit})
	if err != nil {
		return 0, fmt.Errorf("pruning rate-limit buckets: %w", translate(err))
	}
	return n, nil
}
