package logging

import (
	"context"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Metadata is the part of the GCE metadata server the tracer asks for the project when none is
// configured; *metadata.Client (cloud.google.com/go/compute/metadata) is one.
type Metadata interface {
	OnGCEWithContext(ctx context.Context) bool
	ProjectIDWithContext(ctx context.Context) (string, error)
}

// Tracer puts the trace of each request (W3C traceparent, or Google's X-Cloud-Trace-Context,
// both of which Cloud Run sends) into the request's context, named as Cloud Logging wants it
// (projects/PROJECT/traces/TRACE_ID), so the lines logged while serving it are grouped under
// it. Without a project, from configuration or the metadata server, there is no name to give
// and lines carry no trace.
type Tracer struct {
	meta    Metadata
	timeout time.Duration

	once    sync.Once
	project string
}

// NewTracer returns a tracer naming traces in project; when project is empty and meta is not
// nil, the first request that carries a trace asks meta, if this is Google Cloud, which project
// it runs in (within a second; a failed lookup is not retried).
func NewTracer(project string, meta Metadata) *Tracer {
	t := &Tracer{meta: meta, timeout: time.Second, project: project}
	if project != "" || meta == nil {
		t.once.Do(func() {})
	}
	return t
}

// Wrap returns h with each request's trace in its context.
func (t *Tracer) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := parseTraceparent(r.Header.Get("traceparent"))
		if !ok {
			s, ok = parseCloudTrace(r.Header.Get("X-Cloud-Trace-Context"))
		}
		if ok {
			if project := t.projectID(r.Context()); project != "" {
				s.trace = "projects/" + project + "/traces/" + s.trace
				r = r.WithContext(withSpan(r.Context(), s))
			}
		}
		h.ServeHTTP(w, r)
	})
}

// projectID is the configured project, or the metadata server's answer on Google Cloud.
func (t *Tracer) projectID(ctx context.Context) string {
	t.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.timeout)
		defer cancel()
		if !t.meta.OnGCEWithContext(ctx) {
			return
		}
		if id, err := t.meta.ProjectIDWithContext(ctx); err == nil {
			t.project = id
		}
	})
	return t.project
}

// parseTraceparent reads a W3C trace context header: version-traceid-parentid-flags.
func parseTraceparent(h string) (span, bool) {
	parts := strings.Split(strings.TrimSpace(h), "-")
	if len(parts) < 4 || len(parts[0]) != 2 || parts[0] == "ff" || !isHexID(parts[1], 32) ||
		!isHexID(parts[2], 16) || len(parts[3]) != 2 {
		return span{}, false
	}
	flags, err := hex.DecodeString(parts[3])
	if err != nil {
		return span{}, false
	}
	return span{trace: parts[1], spanID: parts[2], sampled: flags[0]&1 == 1}, true
}

// parseCloudTrace reads Google's TRACE_ID/SPAN_ID;o=OPTIONS header, whose span id is decimal.
func parseCloudTrace(h string) (span, bool) {
	h = strings.TrimSpace(h)
	rest, options, _ := strings.Cut(h, ";")
	traceID, spanID, _ := strings.Cut(rest, "/")
	if !isHexID(traceID, 32) {
		return span{}, false
	}
	s := span{trace: strings.ToLower(traceID), sampled: strings.TrimSpace(options) == "o=1"}
	if n, err := strconv.ParseUint(spanID, 10, 64); err == nil && n != 0 {
		s.spanID = strconv.FormatUint(n, 16)
		s.spanID = strings.Repeat("0", 16-len(s.spanID)) + s.spanID
	}
	return s, true
}

// isHexID reports whether s is n hex digits, not all zero (an invalid id in both formats).
func isHexID(s string, n int) bool {
	if len(s) != n {
		return false
	}
	zero := true
	for _, c := range s {
		switch {
		case c == '0':
		case (c >= '1' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			zero = false
		default:
			return false
		}
	}
	return !zero
}
