package api

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// benchUsers spreads the requests over users so that most are granted, as in real traffic; a
// refused request costs the same statement.
const benchUsers = 1000

func benchLimiter(b *testing.B, l *limiter) {
	users := make([]uuid.UUID, benchUsers)
	for i := range users {
		users[i] = uuid.New()
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l.allow(ctx, users[i%benchUsers], ActionCreate)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/request")
}

// BenchmarkLimiterMemory is the baseline: the per-process buckets limiting alone.
func BenchmarkLimiterMemory(b *testing.B) {
	benchLimiter(b, newLimiter(DefaultLimits(), nil, time.Now, logging.Discard()))
}

// BenchmarkLimiterPostgres is the cost of the shared buckets: one INSERT ... ON CONFLICT DO
// UPDATE ... RETURNING per limited request, on a local database.
func BenchmarkLimiterPostgres(b *testing.B) {
	s := storetest.New(b)
	l := newLimiter(DefaultLimits(), s, time.Now, logging.Discard())
	_, ok := l.allow(b.Context(), uuid.New(), ActionCreate)
	require.True(b, ok)
	benchLimiter(b, l)
}
