package webhook

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
)

// TestResult is how a test delivery went: never the response body.
type TestResult struct {
	OK         bool
	StatusCode *int
	LatencyMS  int64
	Error      string
	WebhookID  string
}

// Test posts a signed webhook.test event to url (the user's default when empty) through the
// same client and checks as real deliveries, with the custom headers a delivery there carries.
func (s *Sender) Test(ctx context.Context, userID uuid.UUID, url string) (TestResult, error) {
	if s.keys == nil {
		return TestResult{}, fmt.Errorf("webhook signing is %w (set TORALE_NOTIFY_SECRET)", outbox.ErrNotConfigured)
	}
	hook, err := s.vault.load(ctx, userID)
	if err != nil {
		return TestResult{}, err
	}
	if url == "" {
		url = hook.URL
	}
	id := "test_" + uuid.NewString()
	res := TestResult{WebhookID: id}
	if url == "" {
		res.Error = "no URL given and no default webhook is set"
		return res, nil
	}
	body, err := sampleEvent(s.now(), s.public).marshal()
	if err != nil {
		return TestResult{}, err
	}
	r, err := s.postAs(ctx, hook, url, id, body)
	res.OK, res.LatencyMS = err == nil, r.Latency.Milliseconds()
	if r.ResponseCode != 0 {
		res.StatusCode = &r.ResponseCode
	}
	if err != nil {
		res.Error = err.Error()
	}
	return res, nil
}
