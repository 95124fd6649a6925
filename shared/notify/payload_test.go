package notify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/notify"
)

// TestWebhookPayloadsMatchGoldenFile pins the bytes receivers get: a task.condition_met event
// and the webhook.test event and a run without a result (sources [], never null), one JSON document a line, exactly as they are posted.
func TestWebhookPayloadsMatchGoldenFile(t *testing.T) {
	met, err := json.Marshal(notify.NewEvent(trickyMessage(), "https://app.torale.example"))
	require.NoError(t, err)
	sample, err := json.Marshal(notify.SampleEvent(time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC), "https://app.torale.example"))
	require.NoError(t, err)
	bare := trickyMessage()
	bare.Execution.Result = nil
	empty, err := json.Marshal(notify.NewEvent(bare, "https://app.torale.example"))
	require.NoError(t, err)
	golden(t, "event.golden", strings.Join([]string{string(met), string(sample), string(empty)}, "\n")+"\n")
}
