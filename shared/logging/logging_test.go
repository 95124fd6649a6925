package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
)

func TestJSONUsesCloudLoggingKeys(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, logging.FormatJSON, "debug")
	ctx := logging.WithTrace(context.Background(), "projects/p/traces/abc")
	log.WarnContext(ctx, "slow run", slog.String("task_id", "t1"), logging.Trace(ctx))
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	require.Equal(t, "WARNING", line["severity"])
	require.Equal(t, "slow run", line["message"])
	require.Equal(t, "t1", line["task_id"])
	require.Equal(t, "projects/p/traces/abc", line["logging.googleapis.com/trace"])

	buf.Reset()
	logging.New(&buf, logging.FormatJSON, "nonsense").Debug("hidden")
	require.Empty(t, buf.String(), "an unknown level means info")
}
