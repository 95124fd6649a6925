package chat

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
)

// maxAnswer is how much of a service's answer is read: enough for any error body.
const maxAnswer = 64 << 10

// call is one request to a service's API.
type call struct {
	// service names the service in errors ("Slack").
	service string
	method  string
	url     string
	header  http.Header
	body    any // sent as JSON
	// form, when set, is sent instead of body as an HTML form (Pushover's documented encoding).
	form url.Values
	// secrets are values no error may contain: tokens, webhook URLs and their parts.
	secrets []string
	// retryAfter reads a wait, in seconds, from an error body, for services that put it there
	// rather than (or as well as) in Retry-After.
	retryAfter func(body []byte) float64
}

// do sends c and judges the answer: 2xx delivers; 408, 429 and 5xx are tried again (after the
// wait the service asked for); a redirect, any other 4xx and a refused destination fail for
// good. Every error is written for the user, says what the service answered, and holds no
// secret: never the URL (Go's *url.Error prints it whole) and never a token.
func (c call) do(ctx context.Context, client *http.Client) (Receipt, []byte, error) {
	body, err := marshal(c.body)
	contentType := "application/json"
	if c.form != nil {
		body, err, contentType = []byte(c.form.Encode()), nil, "application/x-www-form-urlencoded"
	}
	if err != nil {
		return Receipt{}, nil, outbox.Permanent(fmt.Errorf("encoding the %s message: %w", c.service, err))
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, bytes.NewReader(body))
	if err != nil {
		return Receipt{}, nil, outbox.Permanent(fmt.Errorf("the %s address cannot be used", c.service))
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Torale-Notifications/1.0")
	res, err := client.Do(req)
	if err != nil {
		return Receipt{}, nil, c.describe(err)
	}
	answer, _ := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	_ = res.Body.Close()
	r := Receipt{Status: res.StatusCode}
	code := res.StatusCode
	switch {
	case code >= 200 && code < 300:
		return r, answer, nil
	case code >= 300 && code < 400:
		return r, answer, outbox.Permanent(fmt.Errorf("%s answered %d, a redirect, which is not followed: check the channel's address", c.service, code))
	}
	msg := fmt.Sprintf("%s answered %d %s", c.service, code, http.StatusText(code))
	if why := redact(reason(answer), c.secrets); why != "" {
		msg += ": " + why
	}
	if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
		// An HTTP-date Retry-After is read against the service's own clock, not ours.
		now, err := http.ParseTime(res.Header.Get("Date"))
		if err != nil {
			now = time.Now()
		}
		wait := headerWait(res.Header.Get("Retry-After"), now)
		if c.retryAfter != nil {
			wait = max(wait, c.retryAfter(answer))
		}
		r.RetryAfter = int(math.Ceil(min(wait, 7*24*3600)))
		return r, answer, errors.New(msg)
	}
	return r, answer, outbox.Permanent(errors.New(msg))
}

// marshal writes a JSON body as the services read it, with <, > and & as themselves rather
// than \u003c and friends: shorter, and readable in the golden files.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// describe turns a failed request into words safe to store and show: the guard's reason, or
// the kind of network failure, never the URL or resolver text.
func (c call) describe(err error) error {
	var ne net.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var refused *netguard.RefusedError
	switch {
	case errors.As(err, &refused):
		return outbox.Permanent(fmt.Errorf("%s: %w", c.service, refused))
	case errors.Is(err, context.Canceled):
		return errors.New("the request was cancelled")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s did not answer in time", c.service)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%s's host name could not be resolved", c.service)
	case errors.As(err, &certErr):
		return fmt.Errorf("%s's TLS certificate could not be verified", c.service)
	case errors.As(err, &recErr):
		return fmt.Errorf("%s does not speak TLS on that port", c.service)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s refused the connection", c.service)
	}
	return fmt.Errorf("%s could not be reached", c.service)
}

// headerWait reads Retry-After (seconds, possibly fractional, or an HTTP date); 0 when absent.
func headerWait(v string, now time.Time) float64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && !math.IsInf(f, 0) {
		return f
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Seconds()
	}
	return 0
}

// maxReason is how much of a service's own explanation an error quotes.
const maxReason = 200

// reason finds the service's explanation in an error body: the usual JSON fields of the
// services here ("description", "message", "error", "errors"), or a short plain-text body
// (Slack's "invalid_token"). It is one line, at most maxReason runes.
func reason(body []byte) string {
	var v map[string]any
	if json.Unmarshal(body, &v) == nil {
		for _, k := range []string{"description", "errorDescription", "error_description", "message", "error", "errors"} {
			if s := text(v[k]); s != "" {
				return fit(oneLine(s), maxReason, nil, runes)
			}
		}
		return ""
	}
	s := oneLine(string(body))
	if s == "" || strings.ContainsAny(s, "<{") { // an HTML page or broken JSON says nothing useful
		return ""
	}
	return fit(s, maxReason, nil, runes)
}

// text reads a reason out of a JSON value: a string, an object's "message", or a list's first.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return text(t["message"])
	case []any:
		if len(t) > 0 {
			return text(t[0])
		}
	}
	return ""
}

// redact replaces every secret in s, so that a service echoing a token back cannot leak it.
func redact(s string, secrets []string) string {
	for _, x := range secrets {
		if len(x) >= 6 {
			s = strings.ReplaceAll(s, x, "[redacted]")
		}
	}
	return s
}

// bodyWait reads a JSON number of seconds at path from an error body (Telegram's
// parameters.retry_after, Discord's retry_after); scale converts it (1e-3 for milliseconds).
func bodyWait(scale float64, path ...string) func([]byte) float64 {
	return func(body []byte) float64 {
		var v any
		if json.Unmarshal(body, &v) != nil {
			return 0
		}
		for _, k := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return 0
			}
			v = m[k]
		}
		if f, ok := v.(float64); ok && f > 0 {
			return f * scale
		}
		return 0
	}
}
