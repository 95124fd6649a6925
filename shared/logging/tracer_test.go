package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/logging"
)

// logLine serves one request with header set through tracer and returns the JSON line the
// handler logged with the request's context.
func logLine(t *testing.T, tracer *logging.Tracer, header http.Header) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	log := logging.New(&buf, logging.FormatJSON, "info")
	h := tracer.Wrap(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "serving", slog.String("path", r.URL.Path))
		log.Info("no context, no trace")
	}))
	req := httptest.NewRequest("POST", "/", nil)
	req.Header = header
	h.ServeHTTP(httptest.NewRecorder(), req)
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 2)
	var other map[string]any
	require.NoError(t, json.Unmarshal(lines[1], &other))
	require.NotContains(t, other, logging.TraceKey)
	var line map[string]any
	require.NoError(t, json.Unmarshal(lines[0], &line))
	return line
}

func TestLogsCarryTheRequestsTrace(t *testing.T) {
	tracer := logging.NewTracer("proj", nil)

	line := logLine(t, tracer, http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}})
	require.Equal(t, "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736", line[logging.TraceKey])
	require.Equal(t, "00f067aa0ba902b7", line[logging.SpanKey])
	require.Equal(t, true, line[logging.TraceSampledKey])

	// Google's own header, whose span id is decimal; traceparent wins when both are sent.
	line = logLine(t, tracer, http.Header{"X-Cloud-Trace-Context": {"105445aa7843bc8bf206b12000100000/1;o=0"}})
	require.Equal(t, "projects/proj/traces/105445aa7843bc8bf206b12000100000", line[logging.TraceKey])
	require.Equal(t, "0000000000000001", line[logging.SpanKey])
	require.Equal(t, false, line[logging.TraceSampledKey])
	line = logLine(t, tracer, http.Header{"X-Cloud-Trace-Context": {"105445aa7843bc8bf206b12000100000"},
		"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}})
	require.Equal(t, "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736", line[logging.TraceKey])
	line = logLine(t, tracer, http.Header{"X-Cloud-Trace-Context": {"105445aa7843bc8bf206b12000100000"}})
	require.Equal(t, "projects/proj/traces/105445aa7843bc8bf206b12000100000", line[logging.TraceKey])
	require.NotContains(t, line, logging.SpanKey)

	// Headers that name no trace add nothing.
	for _, h := range []http.Header{{}, {"Traceparent": {"00-00000000000000000000000000000000-00f067aa0ba902b7-01"}},
		{"Traceparent": {"garbage"}}, {"X-Cloud-Trace-Context": {"xyz/1;o=1"}}} {
		require.NotContains(t, logLine(t, tracer, h), logging.TraceKey, h)
	}
}

type fakeMetadata struct {
	onGCE bool
	asked atomic.Int32
}

func (m *fakeMetadata) OnGCEWithContext(context.Context) bool { m.asked.Add(1); return m.onGCE }
func (m *fakeMetadata) ProjectIDWithContext(context.Context) (string, error) {
	return "from-metadata", nil
}

// Without a configured project the metadata server names it, asked once, and only on Google
// Cloud; with neither, lines carry no trace.
func TestTheTracesProjectComesFromConfigurationOrTheMetadataServer(t *testing.T) {
	header := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
	meta := &fakeMetadata{onGCE: true}
	tracer := logging.NewTracer("", meta)
	require.Zero(t, meta.asked.Load(), "nothing is asked before a traced request")
	for range 3 {
		line := logLine(t, tracer, header)
		require.Equal(t, "projects/from-metadata/traces/4bf92f3577b34da6a3ce929d0e0e4736", line[logging.TraceKey])
	}
	require.EqualValues(t, 1, meta.asked.Load())

	configured := &fakeMetadata{onGCE: true}
	line := logLine(t, logging.NewTracer("proj", configured), header)
	require.Equal(t, "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736", line[logging.TraceKey])
	require.Zero(t, configured.asked.Load(), "configuration wins")

	off := &fakeMetadata{}
	require.NotContains(t, logLine(t, logging.NewTracer("", off), header), logging.TraceKey)
	require.NotContains(t, logLine(t, logging.NewTracer("", nil), header), logging.TraceKey)
}
