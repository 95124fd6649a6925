package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/webhook"
)

// TestWebhookPayloadsMatchGoldenFile pins the bytes receivers get: a task.condition_met event
// and the webhook.test event and a run without a result (sources [], never null), one JSON document a line, exactly as they are posted.
func TestWebhookPayloadsMatchGoldenFile(t *testing.T) {
	met, err := json.Marshal(webhook.NewEvent(outboxtest.TrickyMessage(), "https://app.torale.example"))
	require.NoError(t, err)
	sample, err := json.Marshal(webhook.SampleEvent(time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC), "https://app.torale.example"))
	require.NoError(t, err)
	bare := outboxtest.TrickyMessage()
	bare.Execution.Result = nil
	empty, err := json.Marshal(webhook.NewEvent(bare, "https://app.torale.example"))
	require.NoError(t, err)
	golden(t, "event.golden", strings.Join([]string{string(met), string(sample), string(empty)}, "\n")+"\n")
}
