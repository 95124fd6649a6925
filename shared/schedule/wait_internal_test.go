package schedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
)

// nextDue is a claimer that claims nothing and says when its next task falls due.
type nextDue struct {
	at  time.Time
	ok  bool
	err error
}

func (nextDue) ClaimDueTasks(context.Context, time.Time, time.Time, int) ([]store.Claim, error) {
	return nil, nil
}

func (n nextDue) NextDue(context.Context) (time.Time, bool, error) { return n.at, n.ok, n.err }

// The sweep waits for the next task's due time when it comes before the next interval, and
// the interval otherwise: when none is due, when the due time has passed (a task the claim
// skips must not make it spin), and when the store cannot say.
func TestSweepWaitsForTheNextDueTask(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, c := range []struct {
		name  string
		claim Claimer
		want  time.Duration
	}{
		{"due sooner", nextDue{at: now.Add(300 * time.Millisecond), ok: true}, 300 * time.Millisecond},
		{"due later", nextDue{at: now.Add(time.Minute), ok: true}, time.Second},
		{"due already", nextDue{at: now.Add(-time.Minute), ok: true}, time.Second},
		{"none due", nextDue{}, time.Second},
		{"store fails", nextDue{err: errors.New("down")}, time.Second},
		{"claimer cannot say", NoClaims{}, time.Second},
	} {
		s := NewSweeper(c.claim, nil, clock, logging.Discard(), SweepConfig{})
		require.Equal(t, c.want, s.wait(context.Background(), time.Second), c.name)
	}
}
