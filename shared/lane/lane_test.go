package lane_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/lane"
)

// recorder notes the order jobs start in and holds them until released.
type recorder struct {
	mu      sync.Mutex
	started []string
	release chan struct{}
	begun   chan string
}

func newRecorder() *recorder {
	return &recorder{release: make(chan struct{}), begun: make(chan string, 100)}
}

func (r *recorder) job(name string) func() {
	return func() {
		r.mu.Lock()
		r.started = append(r.started, name)
		r.mu.Unlock()
		r.begun <- name
		<-r.release
	}
}

func TestTenantsTakeTurnsAndLimitsHold(t *testing.T) {
	p := lane.New(lane.Options{Workers: 4, PerTenant: 3, PerKey: 2, Backlog: 11})
	r := newRecorder()
	for range 10 {
		p.Go("a", "slow.example", r.job("a-slow"))
	}
	p.Go("a", "other.example", r.job("a-other"))
	p.Go("b", "slow.example", r.job("b"))
	for range 4 {
		<-r.begun
	}
	r.mu.Lock()
	started := append([]string(nil), r.started...)
	r.mu.Unlock()
	require.ElementsMatch(t, []string{"a-slow", "a-slow", "a-other", "b"}, started,
		"a holds two workers for its slow host and one for its other; b gets the fourth")
	require.Equal(t, 11, p.Load("a"))
	require.Equal(t, []string{"a"}, p.Saturated())
	close(r.release)
	for range 8 {
		<-r.begun
	}
	p.Close()
	p.Wait()
	require.Zero(t, p.Load("a"))
}

func TestDoWaitsAndCloseRefuses(t *testing.T) {
	p := lane.New(lane.Options{})
	ran := false
	require.NoError(t, p.Do(context.Background(), "a", "k", func() { ran = true }))
	require.True(t, ran)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, p.Do(ctx, "a", "k", func() { t.Fatal("ran after its context ended") }), context.Canceled)
	p.Close()
	require.False(t, p.Go("a", "k", func() {}))
}
