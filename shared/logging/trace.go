package logging

import (
	"context"
	"log/slog"
)

// The keys Cloud Logging reads to tie a log entry to a trace.
const (
	TraceKey        = "logging.googleapis.com/trace"
	SpanKey         = "logging.googleapis.com/spanId"
	TraceSampledKey = "logging.googleapis.com/trace_sampled"
)

type traceKey struct{}

// span is the trace a request belongs to, as Cloud Logging names it.
type span struct {
	trace   string // projects/PROJECT/traces/TRACE_ID
	spanID  string // 16 hex digits, or empty
	sampled bool
}

// WithTrace returns ctx carrying a Cloud Trace resource name, which every record logged with it
// carries so Cloud Logging groups the lines of one request.
func WithTrace(ctx context.Context, trace string) context.Context {
	return context.WithValue(ctx, traceKey{}, span{trace: trace})
}

func withSpan(ctx context.Context, s span) context.Context {
	return context.WithValue(ctx, traceKey{}, s)
}

// Trace returns the attribute that ties a log line to the request's trace, or an empty
// attribute when ctx carries none. Loggers from New add it themselves.
func Trace(ctx context.Context) slog.Attr {
	if s, ok := ctx.Value(traceKey{}).(span); ok && s.trace != "" {
		return slog.String(TraceKey, s.trace) //nolint:sloglint // Cloud Logging's own field names, not ours to case
	}
	return slog.Attr{}
}

// traceAttrs are the attributes of ctx's trace, none when it carries none.
func traceAttrs(ctx context.Context) []slog.Attr {
	s, ok := ctx.Value(traceKey{}).(span)
	if !ok || s.trace == "" {
		return nil
	}
	attrs := []slog.Attr{slog.String(TraceKey, s.trace)} //nolint:sloglint // Cloud Logging's own field names, not ours to case
	if s.spanID != "" {
		attrs = append(attrs, slog.String(SpanKey, s.spanID), slog.Bool(TraceSampledKey, s.sampled)) //nolint:sloglint // Cloud Logging's own field names, not ours to case
	}
	return attrs
}

// traceHandler adds the trace of a record's context to the record. The attributes go where the
// record's own do, so a logger made WithGroup would nest them; Torale's loggers use no groups.
type traceHandler struct {
	slog.Handler
}

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if attrs := traceAttrs(ctx); attrs != nil && !hasAttr(r, TraceKey) {
		r = r.Clone()
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}

// hasAttr reports whether the record already names key (a caller added Trace(ctx) itself).
func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
