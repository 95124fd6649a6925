// Package logging builds the slog loggers every binary uses: JSON that Cloud Logging reads
// (severity, message, time, and the request's trace) in the cloud, and short text lines on a
// developer's terminal.
package logging

import (
	"io"
	"log/slog"
	"strings"
)

// Format chooses how log lines are written.
type Format string

// The formats New understands.
const (
	FormatJSON Format = "json"
	FormatText Format = "text"
)

// New returns a logger writing to w at level ("debug", "info", "warn", "error"; info when empty
// or unknown). JSON output renames the standard keys to the ones Cloud Logging promotes. A record
// logged with a context that carries a trace (Tracer.Wrap) carries it too.
func New(w io.Writer, format Format, level string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: ParseLevel(level)}
	if format == FormatText {
		return slog.New(traceHandler{slog.NewTextHandler(w, opts)})
	}
	opts.ReplaceAttr = cloudKeys
	return slog.New(traceHandler{slog.NewJSONHandler(w, opts)})
}

// ParseLevel maps a level name to a slog level, defaulting to info so a typo never silences logs.
func ParseLevel(s string) slog.Level {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Discard is a logger that writes nothing, for tests that do not read logs.
func Discard() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

func cloudKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.MessageKey:
		a.Key = "message"
	case slog.LevelKey:
		a.Key = "severity"
		if l, ok := a.Value.Any().(slog.Level); ok {
			a.Value = slog.StringValue(severity(l))
		}
	}
	return a
}

func severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}
