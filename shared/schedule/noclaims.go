package schedule

import (
	"context"
	"time"

	"github.com/torale-ai/torale/shared/store"
)

// NoClaims is the sweep's Claimer in Cloud Scheduler mode: each task's job triggers it, so a
// sweep that also claimed due tasks would trigger them twice. It claims nothing.
type NoClaims struct{}

// ClaimDueTasks claims nothing.
func (NoClaims) ClaimDueTasks(context.Context, time.Time, time.Time, int) ([]store.Claim, error) {
	return nil, nil
}
