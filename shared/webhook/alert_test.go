package webhook_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/webhook"
)

func TestAlertEventMatchesGoldenFile(t *testing.T) {
	var lines []byte
	for _, phase := range []task.AlertPhase{task.AlertOpened, task.AlertResolved} {
		b, err := json.Marshal(webhook.NewAlertEvent(outboxtest.AlertMessage(phase), "https://app.torale.example"))
		require.NoError(t, err)
		require.Less(t, len(b), 20<<10)
		lines = append(append(lines, b...), '\n')
	}
	golden(t, "alert_event.golden", string(lines))
}
